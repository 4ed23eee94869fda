//! Sprig's math and number conversion functions (numeric.go and functions.go's arithmetic):
//! integer math through cast's `ToInt64`, float math through shopspring's decimals.

use crate::exec::CallContext;
use crate::registry::{FuncError, Function};
use crate::value::{GoType, Value};

use super::args::{int, str};
use super::cast::{to_float64, to_int64};
use super::gotypes::ints;

use GoType::{Any, Float64, Int, String as Str};

/// The math and conversion functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function::new("atoi", &[Str], atoi),
    Function::new("int64", &[Any], int64),
    Function::new("int", &[Any], to_int),
    Function::new("float64", &[Any], float64),
    Function::variadic("seq", &[], Int, seq),
    Function::new("toDecimal", &[Any], to_decimal),
    Function::new("until", &[Int], until),
    Function::new("untilStep", &[Int, Int, Int], until_step),
    Function::new("add1", &[Any], add1),
    Function::variadic("add", &[], Any, add),
    Function::new("sub", &[Any, Any], sub),
    Function::new("div", &[Any, Any], div),
    Function::new("mod", &[Any, Any], modulo),
    Function::variadic("mul", &[Any], Any, mul),
    Function::new("add1f", &[Any], add1f),
    Function::variadic("addf", &[], Any, addf),
    Function::variadic("subf", &[Any], Any, subf),
    Function::variadic("divf", &[Any], Any, divf),
    Function::variadic("mulf", &[Any], Any, mulf),
    Function::variadic("biggest", &[Any], Any, max),
    Function::variadic("max", &[Any], Any, max),
    Function::variadic("min", &[Any], Any, min),
    Function::variadic("maxf", &[Any], Any, maxf),
    Function::variadic("minf", &[Any], Any, minf),
    Function::new("ceil", &[Any], ceil),
    Function::new("floor", &[Any], floor),
    Function::variadic("round", &[Any, Int], Float64, round),
];

type R = Result<Value, FuncError>;

/// The most elements `until`, `untilStep` and `seq` build, so that a template cannot exhaust memory.
const MAX_SEQUENCE: i64 = 10_000_000;

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

fn atoi(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    // strconv.Atoi: a decimal with an optional sign; out of range it returns the clamped value,
    // which Sprig keeps (it drops the error); malformed text gives 0.
    let s = str(a, 0);
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Value::Int(0));
    }
    let n = s.parse::<i64>().unwrap_or(if s.starts_with('-') { i64::MIN } else { i64::MAX });
    Ok(Value::Int(n))
}

fn int64(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(to_int64(&a[0])))
}

fn to_int(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int(to_int64(&a[0])))
}

fn float64(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Float64(to_float64(&a[0])))
}

fn to_decimal(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let text = super::args::sprint_v(&a[0]);
    let digits = text.strip_prefix(['+', '-']).unwrap_or(&text);
    let n = if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        0
    } else {
        i64::from_str_radix(&text, 8).unwrap_or(0)
    };
    Ok(Value::Int64(n))
}

/// Sprig's `untilStep`.
fn until_step_vec(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, FuncError> {
    let mut v = Vec::new();
    let too_long = || format!("untilStep: more than {MAX_SEQUENCE} elements");
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let mut i = start;
        while i > stop {
            if v.len() as i64 >= MAX_SEQUENCE {
                return Err(too_long());
            }
            v.push(i);
            i = i.wrapping_add(step);
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let mut i = start;
    while i < stop {
        if v.len() as i64 >= MAX_SEQUENCE {
            return Err(too_long());
        }
        v.push(i);
        match i.checked_add(step) {
            Some(n) => i = n,
            None => break,
        }
    }
    Ok(v)
}

fn until(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let count = int(a, 0);
    Ok(ints(until_step_vec(0, count, if count < 0 { -1 } else { 1 })?))
}

fn until_step(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(ints(until_step_vec(int(a, 0), int(a, 1), int(a, 2))?))
}

fn seq(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let p: Vec<i64> = a.iter().map(|v| v.as_int().unwrap_or(0)).collect();
    let items = match p[..] {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step_vec(1, end.wrapping_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step_vec(start, end.wrapping_add(step), step)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Value::from(""));
                }
            }
            until_step_vec(start, end.wrapping_add(inc), step)?
        }
        _ => Vec::new(),
    };
    let text: Vec<String> = items.iter().map(i64::to_string).collect();
    Ok(Value::from(text.join(" ")))
}

fn add1(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(to_int64(&a[0]).wrapping_add(1)))
}

fn add(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v)))))
}

fn sub(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
}

fn div(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(DIVIDE_BY_ZERO.to_owned());
    }
    Ok(Value::Int64(to_int64(&a[0]).wrapping_div(d)))
}

fn modulo(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(DIVIDE_BY_ZERO.to_owned());
    }
    Ok(Value::Int64(to_int64(&a[0]).wrapping_rem(d)))
}

fn mul(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(a[1..].iter().fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v)))))
}

fn max(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::max)))
}

fn min(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Int64(a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::min)))
}

/// Go's `math.Max`.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

/// Go's `math.Min`.
fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

fn maxf(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Float64(a[1..].iter().map(to_float64).fold(to_float64(&a[0]), go_max)))
}

fn minf(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Float64(a[1..].iter().map(to_float64).fold(to_float64(&a[0]), go_min)))
}

fn ceil(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Float64(to_float64(&a[0]).ceil()))
}

fn floor(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    Ok(Value::Float64(to_float64(&a[0]).floor()))
}

fn round(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    let round_on = a.get(2).and_then(Value::as_float).unwrap_or(0.5);
    let val = to_float64(&a[0]);
    let pow = 10f64.powf(int(a, 1) as f64);
    let digit = pow * val;
    let frac = if digit.is_infinite() { 0.0 } else { digit - digit.trunc() };
    let r = if frac >= round_on { digit.ceil() } else { digit.floor() };
    Ok(Value::Float64(r / pow))
}

/// A decimal `mantissa × 10^exp`, as shopspring's `decimal.Decimal` (within i128; wider values fall back to floats).
#[derive(Clone, Copy, Debug)]
struct Decimal {
    mantissa: i128,
    exp: i32,
}

/// shopspring's `DivisionPrecision`.
const DIVISION_PRECISION: i32 = 16;

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_float(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Decimal { mantissa: 0, exp: 0 });
        }
        let text = format!("{f:e}");
        let (m, e) = text.split_once('e')?;
        let e: i32 = e.parse().ok()?;
        let neg = m.starts_with('-');
        let m = m.trim_start_matches('-');
        let (int_part, frac) = m.split_once('.').unwrap_or((m, ""));
        let digits = format!("{int_part}{frac}");
        let mut mantissa: i128 = digits.parse().ok()?;
        if neg {
            mantissa = -mantissa;
        }
        Some(Decimal { mantissa, exp: e - frac.len() as i32 })
    }

    fn pow10(n: i32) -> Option<i128> {
        10i128.checked_pow(u32::try_from(n).ok()?)
    }

    /// Both at the smaller exponent.
    fn align(self, other: Decimal) -> Option<(i128, i128, i32)> {
        let exp = self.exp.min(other.exp);
        let a = self.mantissa.checked_mul(Self::pow10(self.exp - exp)?)?;
        let b = other.mantissa.checked_mul(Self::pow10(other.exp - exp)?)?;
        Some((a, b, exp))
    }

    fn add(self, other: Decimal) -> Option<Decimal> {
        let (a, b, exp) = self.align(other)?;
        Some(Decimal { mantissa: a.checked_add(b)?, exp })
    }

    fn sub(self, other: Decimal) -> Option<Decimal> {
        let (a, b, exp) = self.align(other)?;
        Some(Decimal { mantissa: a.checked_sub(b)?, exp })
    }

    fn mul(self, other: Decimal) -> Option<Decimal> {
        Some(Decimal { mantissa: self.mantissa.checked_mul(other.mantissa)?, exp: self.exp.checked_add(other.exp)? })
    }

    /// `Div`: the quotient rounded half away from zero to 16 places after the point.
    fn div(self, other: Decimal) -> Option<Decimal> {
        if other.mantissa == 0 {
            return None;
        }
        // self / other = (ma / mb) * 10^(ea - eb); the result is Q * 10^-16.
        let shift = self.exp - other.exp + DIVISION_PRECISION;
        let (num, den) = if shift >= 0 {
            (self.mantissa.checked_mul(Self::pow10(shift)?)?, other.mantissa)
        } else {
            (self.mantissa, other.mantissa.checked_mul(Self::pow10(-shift)?)?)
        };
        let q = num / den;
        let r = num % den;
        let q = if r.unsigned_abs() * 2 >= den.unsigned_abs() {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Decimal { mantissa: q, exp: -DIVISION_PRECISION })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exp).parse().unwrap_or(f64::NAN)
    }
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// Sprig's `execDecimalOp`.
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> R {
    let first = to_float64(first);
    let refuse = |f: f64| -> Result<(), FuncError> {
        if f.is_finite() {
            Ok(())
        } else {
            let text = if f.is_nan() {
                "NaN"
            } else if f > 0.0 {
                "+Inf"
            } else {
                "-Inf"
            };
            Err(format!("Cannot create a Decimal from {text}"))
        }
    };
    refuse(first)?;
    let mut acc = Decimal::from_float(first);
    let mut approx = first;
    for v in rest {
        let x = to_float64(v);
        refuse(x)?;
        let dx = Decimal::from_float(x);
        if matches!(op, Op::Div) && x == 0.0 {
            return Err("decimal division by 0".to_owned());
        }
        acc = match (acc, dx) {
            (Some(a), Some(b)) => match op {
                Op::Add => a.add(b),
                Op::Sub => a.sub(b),
                Op::Mul => a.mul(b),
                Op::Div => a.div(b),
            },
            _ => None,
        };
        approx = match op {
            Op::Add => approx + x,
            Op::Sub => approx - x,
            Op::Mul => approx * x,
            Op::Div => approx / x,
        };
    }
    Ok(Value::Float64(acc.map_or(approx, Decimal::to_f64)))
}

fn add1f(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    decimal_op(&a[0], &[Value::Int(1)], Op::Add)
}

fn addf(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    decimal_op(&Value::Float64(0.0), a, Op::Add)
}

fn subf(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    decimal_op(&a[0], &a[1..], Op::Sub)
}

fn divf(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    decimal_op(&a[0], &a[1..], Op::Div)
}

fn mulf(_: &mut CallContext<'_, '_>, a: &[Value]) -> R {
    decimal_op(&a[0], &a[1..], Op::Mul)
}

#[cfg(test)]
mod tests {
    use super::super::cast::float_to_int;
    use super::*;

    #[test]
    fn decimals_as_shopspring() {
        let d = |f: f64| Decimal::from_float(f).unwrap();
        assert_eq!(d(1.1).add(d(2.2)).unwrap().to_f64(), 3.3);
        assert_eq!(d(1.0).div(d(3.0)).unwrap().to_f64(), 0.3333333333333333);
        assert_eq!(d(2.0).div(d(3.0)).unwrap().to_f64(), 0.6666666666666667);
        assert_eq!(float_to_int(f64::NAN), i64::MIN);
    }
}
