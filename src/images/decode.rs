//! Reading a photo: its header (size, format, which way up) without decoding it, and its
//! pixels under limits, upright and in sRGB.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::format::Format;

/// The widest or tallest image decoded at all.
pub const MAX_SIDE: u32 = 20_000;
/// The most pixels an image may have: a 200-megapixel phone photo has 16,320 × 12,240.
pub const MAX_PIXELS: u64 = 200_000_000;
/// The most memory one decode may take.
const MAX_ALLOC: u64 = 1024 * 1024 * 1024;

/// What the header of a photo says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// Width and height as it is shown, its EXIF orientation applied.
    pub width: u32,
    pub height: u32,
    pub format: Format,
}

fn reader(bytes: &[u8]) -> ImageReader<Cursor<&[u8]>> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.limits(limits);
    reader
}

/// The header of a photo whose name says it is a `claimed` file. A file that is another
/// format, that is not an image, or that claims more pixels than are ever decoded (a
/// decompression bomb: a small file that would take gigabytes) is an error, said as a
/// sentence about the file.
pub fn header(bytes: &[u8], claimed: Format) -> Result<Header, String> {
    let format = match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Format::Jpeg,
        Ok(ImageFormat::Png) => Format::Png,
        Ok(ImageFormat::WebP) => Format::Webp,
        Ok(other) => return Err(format!("is a {other:?} file, not a {}", claimed.name())),
        Err(_) => return Err(format!("is not a {} file (or any image)", claimed.name())),
    };
    if format != claimed {
        return Err(format!("is a {} file, not a {}", format.name(), claimed.name()));
    }
    let mut reader = reader(bytes);
    reader.set_format(format.image_format());
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e))?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("claims {width} × {height} pixels, more than regionprofil decodes"));
    }
    let turned = decoder.orientation().is_ok_and(|o| {
        use image::metadata::Orientation::*;
        matches!(o, Rotate90 | Rotate270 | Rotate90FlipH | Rotate270FlipH)
    });
    let (width, height) = if turned { (height, width) } else { (width, height) };
    Ok(Header { width, height, format })
}

/// The pixels of a photo: upright (its EXIF orientation applied), in sRGB (an embedded
/// colour profile converted), as 8-bit RGB, or RGBA when it has transparency.
pub fn pixels(bytes: &[u8], format: Format) -> Result<DynamicImage, String> {
    let mut reader = reader(bytes);
    reader.set_format(format.image_format());
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e))?;
    let orientation = decoder.orientation().ok();
    let profile = decoder.icc_profile().ok().flatten();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e))?;
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    let mut image = if image.color().has_alpha() {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    if let Some(profile) = profile {
        to_srgb(&mut image, &profile);
    }
    Ok(image)
}

/// Converts pixels in the colour space of the ICC `profile` to sRGB, so browsers that
/// ignore profiles, and the re-encoded files that carry none, show the same colours. A
/// profile that cannot be read is taken to be sRGB, as browsers do.
fn to_srgb(image: &mut DynamicImage, profile: &[u8]) {
    let Some(input) = qcms::Profile::new_from_slice(profile, false) else { return };
    if input.is_sRGB() {
        return;
    }
    let output = qcms::Profile::new_sRGB();
    let (kind, data) = match image {
        DynamicImage::ImageRgb8(rgb) => (qcms::DataType::RGB8, &mut **rgb),
        DynamicImage::ImageRgba8(rgba) => (qcms::DataType::RGBA8, &mut **rgba),
        _ => return,
    };
    if let Some(transform) = qcms::Transform::new(&input, &output, kind, qcms::Intent::Perceptual) {
        transform.apply(data);
    }
}

/// A decoding error as the end of a sentence about the file.
fn refusal(error: &image::ImageError) -> String {
    match error {
        image::ImageError::Limits(_) => {
            format!("is larger than regionprofil decodes ({MAX_SIDE} pixels a side, 1 GB of memory)")
        }
        other => format!("cannot be read: {other}"),
    }
}
