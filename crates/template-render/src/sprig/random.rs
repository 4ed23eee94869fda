//! Sprig's random functions: randAlphaNum, randAlpha, randNumeric, randAscii (goutils' crypto-random
//! strings), randInt (math/rand) and shuffle (xstrings.Shuffle).

use rand::Rng as _;
use rand::seq::SliceRandom as _;

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

/// The random functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("randAlphaNum", &[GoType::Int], rand_alpha_num),
    Function::new("randAlpha", &[GoType::Int], rand_alpha),
    Function::new("randNumeric", &[GoType::Int], rand_numeric),
    Function::new("randAscii", &[GoType::Int], rand_ascii),
    Function::new("randInt", &[GoType::Int, GoType::Int], rand_int),
    Function::new("shuffle", &[GoType::String], shuffle),
];

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `count` characters drawn from `alphabet`; a negative count is goutils' error, which Sprig drops.
fn random_string(args: &[Value], alphabet: &[u8]) -> Result<Value, FuncError> {
    let count = args.first().and_then(Value::as_int).unwrap_or(0);
    if count <= 0 {
        return Ok(Value::from(""));
    }
    let count = usize::try_from(count).map_err(|e| e.to_string())?;
    if count > 1 << 30 {
        return Err("runtime error: makeslice: len out of range".to_owned());
    }
    let mut rng = rand::rngs::OsRng;
    let s: String = (0..count).map(|_| char::from(alphabet[rng.gen_range(0..alphabet.len())])).collect();
    Ok(Value::from(s))
}

fn rand_alpha_num(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    random_string(a, ALPHANUMERIC)
}

fn rand_alpha(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    random_string(a, LETTERS)
}

fn rand_numeric(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    random_string(a, DIGITS)
}

fn rand_ascii(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let printable: Vec<u8> = (32u8..=126).collect();
    random_string(a, &printable)
}

/// `randInt MIN MAX`: MIN <= n < MAX; Go's `rand.Intn` panics when the range is empty.
fn rand_int(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let min = a.first().and_then(Value::as_int).unwrap_or(0);
    let max = a.get(1).and_then(Value::as_int).unwrap_or(0);
    let span = max.wrapping_sub(min);
    if span <= 0 {
        return Err("invalid argument to Intn".to_owned());
    }
    Ok(Value::Int(rand::thread_rng().gen_range(0..span).wrapping_add(min)))
}

/// `shuffle`: the string's characters in random order.
fn shuffle(_: &mut CallContext<'_, '_>, a: &[Value]) -> Result<Value, FuncError> {
    let s = a.first().and_then(Value::as_str).unwrap_or("");
    let mut chars: Vec<char> = s.chars().collect();
    chars.shuffle(&mut rand::thread_rng());
    Ok(Value::from(chars.into_iter().collect::<String>()))
}
