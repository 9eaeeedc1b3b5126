//! Canonical JSON written straight from a value's `Serialize`, without building a
//! `serde_json::Value` first: the same bytes as the value's `Value` written with its object keys
//! sorted by their bytes at every depth (`write_value`, which stays the definition and writes the
//! rare scalars below), at a fraction of the allocations (an import writes one whole record per
//! row into its audit entry).
//!
//! Each object's fields are written into the output as they come, their keys and places noted on
//! one stack shared by every depth; when the object ends, its fields are put in key order (a key
//! given twice keeps its last value, as a map does). Scalars go through serde_json's own writer;
//! 128-bit integers, `f32` and byte strings through `serde_json::to_value`, as before. A map key
//! is read as `to_value` reads it (text, a number or a boolean; anything else is an error, and
//! the document is then `null`, as it was).

use std::borrow::Cow;
use std::ops::Range;

use serde::ser::{self, Serialize};
use serde_json::Value;

type Result<T> = std::result::Result<T, serde_json::Error>;

/// `value` as canonical JSON, or None when it cannot be written as JSON.
pub(super) fn to_vec<T: Serialize + ?Sized>(value: &T) -> Option<Vec<u8>> {
    let mut c = Canon {
        out: Vec::with_capacity(1024),
        fields: Vec::new(),
        scratch: Vec::new(),
    };
    value.serialize(&mut c).ok()?;
    Some(c.out)
}

/// Writes `v` into `out` with every object's keys sorted by their bytes: the definition of the
/// canonical form (see [`super::canonical_json`]).
pub(super) fn write_value(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                scalar(k.as_str(), out);
                out.push(b':');
                write_value(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(v, out);
            }
            out.push(b']');
        }
        other => scalar(other, out),
    }
}

/// A string or scalar as serde_json writes it compactly (the bytes `Value::to_string` gives).
fn scalar<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    // Writing a string or a scalar into memory cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}

struct Canon {
    out: Vec<u8>,
    /// The fields of the objects being written, innermost last: each key and where its value
    /// was written in `out`.
    fields: Vec<(Cow<'static, str>, Range<usize>)>,
    /// An object's fields while they are put in order.
    scratch: Vec<u8>,
}

impl Canon {
    fn scalar<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        scalar(v, &mut self.out);
        Ok(())
    }

    /// What serde_json's `Value` makes of `v`, written canonically.
    fn via_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let v = serde_json::to_value(v)?;
        write_value(&v, &mut self.out);
        Ok(())
    }

    /// `{"variant":`, the opening of an enum variant with data.
    fn open_variant(&mut self, variant: &str) {
        self.out.push(b'{');
        scalar(variant, &mut self.out);
        self.out.push(b':');
    }

    fn object(&mut self, close: &'static str) -> Object<'_> {
        Object {
            start: self.out.len(),
            base: self.fields.len(),
            key: None,
            close,
            c: self,
        }
    }
}

/// A list: `[` is written, then each element, then `close`.
struct Seq<'a> {
    c: &'a mut Canon,
    first: bool,
    close: &'static str,
}

impl Seq<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        if !self.first {
            self.c.out.push(b',');
        }
        self.first = false;
        v.serialize(&mut *self.c)
    }

    fn end(self) -> Result<()> {
        self.c.out.extend_from_slice(self.close.as_bytes());
        Ok(())
    }
}

/// An object: its values are written from `start` as they come and its fields noted from `base`
/// in `Canon::fields`; `end` rewrites them in key order, then writes `close`.
struct Object<'a> {
    c: &'a mut Canon,
    start: usize,
    base: usize,
    /// A map's key, waiting for its value.
    key: Option<String>,
    close: &'static str,
}

impl Object<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: Cow<'static, str>, v: &T) -> Result<()> {
        let from = self.c.out.len();
        v.serialize(&mut *self.c)?;
        let to = self.c.out.len();
        self.c.fields.push((key, from..to));
        Ok(())
    }

    fn end(self) -> Result<()> {
        let Canon {
            out,
            fields,
            scratch,
        } = self.c;
        let entries = &mut fields[self.base..];
        // Stable: of a key given twice, the last written stays last.
        entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        scratch.clear();
        scratch.extend_from_slice(&out[self.start..]);
        out.truncate(self.start);
        out.push(b'{');
        let mut first = true;
        for (i, (key, at)) in entries.iter().enumerate() {
            if entries.get(i + 1).is_some_and(|next| next.0 == *key) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            scalar(key.as_ref(), out);
            out.push(b':');
            out.extend_from_slice(&scratch[at.start - self.start..at.end - self.start]);
        }
        out.push(b'}');
        out.extend_from_slice(self.close.as_bytes());
        fields.truncate(self.base);
        Ok(())
    }
}

/// A map key as serde_json's `to_value` reads it.
fn key_text<K: Serialize + ?Sized>(key: &K) -> Result<String> {
    match serde_json::to_value(key)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(ser::Error::custom("key must be a string")),
    }
}

impl<'a> ser::Serializer for &'a mut Canon {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_i128(self, v: i128) -> Result<()> {
        self.via_value(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_u128(self, v: u128) -> Result<()> {
        self.via_value(&v)
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        self.via_value(&v)
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        // A number that is not finite is `null`, as in a `Value`.
        self.scalar(&v)
    }
    fn serialize_char(self, v: char) -> Result<()> {
        self.scalar(&v)
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        self.scalar(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<()> {
        self.via_value(v)
    }
    fn serialize_none(self) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<()> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
    ) -> Result<()> {
        self.scalar(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<()> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<()> {
        self.open_variant(variant);
        v.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Seq<'a>> {
        self.out.push(b'[');
        Ok(Seq {
            c: self,
            first: true,
            close: "]",
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Seq<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Seq<'a>> {
        self.open_variant(variant);
        self.out.push(b'[');
        Ok(Seq {
            c: self,
            first: true,
            close: "]}",
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Object<'a>> {
        Ok(self.object(""))
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Object<'a>> {
        Ok(self.object(""))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Object<'a>> {
        self.open_variant(variant);
        Ok(self.object("}"))
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.element(v)
    }
    fn end(self) -> Result<()> {
        Seq::end(self)
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.element(v)
    }
    fn end(self) -> Result<()> {
        Seq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.element(v)
    }
    fn end(self) -> Result<()> {
        Seq::end(self)
    }
}

impl ser::SerializeTupleVariant for Seq<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        self.element(v)
    }
    fn end(self) -> Result<()> {
        Seq::end(self)
    }
}

impl ser::SerializeMap for Object<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| {
            <serde_json::Error as ser::Error>::custom("a map value without a key")
        })?;
        self.field(Cow::Owned(key), v)
    }
    fn end(self) -> Result<()> {
        Object::end(self)
    }
}

impl ser::SerializeStruct for Object<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.field(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<()> {
        Object::end(self)
    }
}

impl ser::SerializeStructVariant for Object<'_> {
    type Ok = ();
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result<()> {
        self.field(Cow::Borrowed(key), v)
    }
    fn end(self) -> Result<()> {
        Object::end(self)
    }
}
