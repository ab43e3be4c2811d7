//! Making one published version of a photo: resized, then written as JPEG, PNG or WebP,
//! with no metadata (no camera, no GPS position) carried over.

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::DynamicImage;

use super::format::Format;

/// `image` resized to `width` × `height`, Lanczos-filtered: scaled when those are its
/// proportions, else cut from its middle (`crop`).
pub fn resize(
    image: &DynamicImage,
    (width, height): (u32, u32),
    crop: bool,
    resizer: &mut Resizer,
) -> Result<DynamicImage, String> {
    if (width, height) == (image.width(), image.height()) {
        return Ok(image.clone());
    }
    let mut resized = match image {
        DynamicImage::ImageRgba8(_) => DynamicImage::new_rgba8(width, height),
        _ => DynamicImage::new_rgb8(width, height),
    };
    // Transparent pixels' colours do not bleed into their neighbours (alpha is multiplied
    // in before filtering and divided out after, the default).
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    if crop {
        options = options.fit_into_destination(Some((0.5, 0.5)));
    }
    resizer.resize(image, &mut resized, &options).map_err(|e| format!("cannot be resized: {e}"))?;
    Ok(resized)
}

/// The height of an image `width` wide with the proportions of one `from_width` ×
/// `from_height`, rounded, at least one pixel.
pub fn scaled_height(from_width: u32, from_height: u32, width: u32) -> u32 {
    let height = (u64::from(from_height) * u64::from(width) + u64::from(from_width) / 2) / u64::from(from_width);
    height.max(1) as u32
}

/// `image` written as `format` at `quality` (JPEG and WebP; PNG is lossless).
pub fn encode(image: &DynamicImage, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let (width, height) = (image.width(), image.height());
    let failed = |e: &dyn std::fmt::Display| format!("cannot be written as {}: {e}", format.name());
    match format {
        Format::Jpeg => {
            let rgb = image.to_rgb8();
            let mut out = Vec::new();
            let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
            // Progressive with optimised tables: about a tenth fewer bytes for photos.
            encoder.set_progressive(true);
            encoder.set_optimized_huffman_tables(true);
            let (w, h) =
                (u16::try_from(width).map_err(|e| failed(&e))?, u16::try_from(height).map_err(|e| failed(&e))?);
            encoder.encode(rgb.as_raw(), w, h, jpeg_encoder::ColorType::Rgb).map_err(|e| failed(&e))?;
            Ok(out)
        }
        Format::Png => {
            use image::ImageEncoder;
            use image::codecs::png::{CompressionType, FilterType, PngEncoder};
            let mut out = Vec::new();
            let encoder = PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive);
            encoder.write_image(image.as_bytes(), width, height, image.color().into()).map_err(|e| failed(&e))?;
            Ok(out)
        }
        Format::Webp => {
            let encoder = match image {
                DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), width, height),
                DynamicImage::ImageRgb8(rgb) => webp::Encoder::from_rgb(rgb.as_raw(), width, height),
                _ => return Err(failed(&"an unexpected pixel layout")),
            };
            Ok(encoder.encode(f32::from(quality)).to_vec())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heights_keep_the_proportions() {
        assert_eq!(scaled_height(4000, 3000, 800), 600);
        assert_eq!(scaled_height(3, 2, 2), 1);
        assert_eq!(scaled_height(10_000, 1, 16), 1);
    }

    #[test]
    fn transparency_survives_resizing_and_png() {
        let mut image = image::RgbaImage::new(64, 32);
        image.put_pixel(0, 0, image::Rgba([255, 0, 0, 255]));
        let image = DynamicImage::ImageRgba8(image);
        let small = resize(&image, (16, 8), false, &mut Resizer::new()).expect("resized");
        assert_eq!((small.width(), small.height()), (16, 8));
        let png = encode(&small, Format::Png, 80).expect("png");
        let back = image::load_from_memory(&png).expect("decoded");
        assert!(back.color().has_alpha());
        assert_eq!(back.to_rgba8().get_pixel(15, 7)[3], 0);
    }
}
