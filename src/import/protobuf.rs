//! Just enough of the protocol buffers wire format to read what Anki stores as protobuf: the
//! package's `meta` and media map, and (schema 18) the note type and template settings.

/// One field of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed(u64),
}

/// The fields of a message in order; `None` where the bytes are not a valid message.
pub(crate) fn fields(mut bytes: &[u8]) -> Option<Vec<(u32, Value<'_>)>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let key = varint(&mut bytes)?;
        let number = u32::try_from(key >> 3).ok()?;
        let value = match key & 7 {
            0 => Value::Varint(varint(&mut bytes)?),
            1 => Value::Fixed(u64::from_le_bytes(take(&mut bytes, 8)?.try_into().ok()?)),
            2 => {
                let len = usize::try_from(varint(&mut bytes)?).ok()?;
                Value::Bytes(take(&mut bytes, len)?)
            }
            5 => Value::Fixed(u64::from(u32::from_le_bytes(
                take(&mut bytes, 4)?.try_into().ok()?,
            ))),
            _ => return None,
        };
        out.push((number, value));
    }
    Some(out)
}

/// The first varint field with this number.
pub(crate) fn varint_field(fields: &[(u32, Value<'_>)], number: u32) -> Option<u64> {
    fields.iter().find_map(|(n, v)| match v {
        Value::Varint(x) if *n == number => Some(*x),
        _ => None,
    })
}

/// The first length-delimited field with this number, as text.
pub(crate) fn string_field<'a>(fields: &[(u32, Value<'a>)], number: u32) -> Option<&'a str> {
    fields.iter().find_map(|(n, v)| match v {
        Value::Bytes(b) if *n == number => std::str::from_utf8(b).ok(),
        _ => None,
    })
}

fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if bytes.len() < n {
        return None;
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_of_each_wire_type() {
        // field 1 = 3; field 2 = "paris.jpg"; field 300 = 2^40; field 4 = fixed32 7.
        let mut msg = vec![0x08, 0x03, 0x12, 9];
        msg.extend_from_slice(b"paris.jpg");
        msg.extend_from_slice(&[0xe0, 0x12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
        msg.extend_from_slice(&[0x25, 7, 0, 0, 0]);
        let f = fields(&msg).unwrap();
        assert_eq!(varint_field(&f, 1), Some(3));
        assert_eq!(string_field(&f, 2), Some("paris.jpg"));
        assert_eq!(varint_field(&f, 300), Some(1 << 40));
        assert_eq!(f[3], (4, Value::Fixed(7)));
        // Anki's `meta` of a current package: version 3.
        assert_eq!(varint_field(&fields(&[0x08, 0x03]).unwrap(), 1), Some(3));
    }

    #[test]
    fn truncated_messages_are_rejected() {
        assert!(fields(&[0x12, 0x05, b'a']).is_none());
        assert!(fields(&[0x08]).is_none());
        assert!(fields(&[0x0f]).is_none());
    }
}
