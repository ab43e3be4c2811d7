//! Buffers sized to their contents, for what a build holds for long.
//!
//! A buffer grown by doubling holds up to twice its length. `shrink_to_fit` asks the
//! allocator to shrink it in place, and mimalloc (the program's allocator) leaves a block
//! that is at least half used as it is; a copy is only as long as its contents.

/// `text`, copied into room of its length when it has more.
pub fn text(text: String) -> String {
    if text.capacity() == text.len() { text } else { String::from(text.as_str()) }
}

/// `items`, moved into room of their number when they have more.
pub fn list<T>(items: Vec<T>) -> Vec<T> {
    if items.capacity() == items.len() {
        return items;
    }
    let mut fitted = Vec::with_capacity(items.len());
    fitted.extend(items);
    fitted
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_grown_buffer_comes_back_with_no_more_room_than_its_contents() {
        let mut text = String::with_capacity(1000);
        text.push_str("Lillehammer");
        let fitted = super::text(text);
        assert_eq!((fitted.as_str(), fitted.capacity()), ("Lillehammer", 11));
        let mut bytes = Vec::with_capacity(64);
        bytes.extend_from_slice(b"gz");
        let fitted = super::list(bytes);
        assert_eq!((fitted.as_slice(), fitted.capacity()), (&b"gz"[..], 2));
    }
}
