//! Go's `fmt` as templates use it: `Sprint`, `Sprintln`, `Sprintf` and the `%v` of every value,
//! with Go's verbs, flags, widths, precisions, argument indexes and error forms (`%!d(string=x)`).

use std::borrow::Borrow;
use std::fmt::Write as _;

use crate::value::{Kind, Value};

/// Go's `fmt.Sprint`: operands printed with `%v`, a space between two operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    sprint_into(&mut out, args);
    out
}

/// [`sprint`] appending to `out`.
pub fn sprint_into<A: Borrow<Value>>(out: &mut String, args: &[A]) {
    let mut p = Printer { buf: std::mem::take(out), ..Printer::default() };
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let arg = arg.borrow();
        let is_string = arg.kind() == Kind::String;
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    *out = p.buf;
}

/// Go's `fmt.Sprintln`: operands printed with `%v`, spaces between them, and a newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    sprintln_into(&mut out, args);
    out
}

/// [`sprintln`] appending to `out`.
pub fn sprintln_into<A: Borrow<Value>>(out: &mut String, args: &[A]) {
    let mut p = Printer { buf: std::mem::take(out), ..Printer::default() };
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(arg.borrow(), 'v');
    }
    p.buf.push('\n');
    *out = p.buf;
}

/// The `%v` of one value, as a template action prints it.
pub fn print_value(v: &Value, out: &mut String) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Int(n) | Value::Int64(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Integral floats below 1e6 print as integers under %v; the rest go the long way.
        Value::Float64(x) if x.fract() == 0.0 && x.abs() < 1e6 && !(*x == 0.0 && x.is_sign_negative()) => {
            let _ = write!(out, "{}", *x as i64);
        }
        _ => {
            let mut p = Printer { buf: std::mem::take(out), ..Printer::default() };
            p.print_arg(v, 'v');
            *out = p.buf;
        }
    }
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    sprintf_into(&mut out, format, args);
    out
}

/// [`sprintf`] appending to `out`.
pub fn sprintf_into<A: Borrow<Value>>(out: &mut String, format: &str, args: &[A]) {
    let mut p = Printer { buf: std::mem::take(out), ..Printer::default() };
    p.do_printf(format, args);
    *out = p.buf;
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: usize,
    wid_present: bool,
    prec: usize,
    prec_present: bool,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    erroring: bool,
    reordered: bool,
    good_arg_num: bool,
}

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

impl Printer {
    // ---- padding ----

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero && !self.f.minus { '0' } else { ' ' };
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    fn pad(&mut self, s: &str) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.f.wid.saturating_sub(s.chars().count());
        if !self.f.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    // ---- arguments ----

    fn print_arg(&mut self, arg: &Value, verb: char) {
        if arg.is_invalid() || matches!(arg, Value::Nil) {
            match verb {
                'T' | 'v' => self.pad("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        if verb == 'T' {
            let t = arg.type_name();
            self.fmt_s(&t);
            return;
        }
        if verb == 'p' {
            self.bad_verb(verb, Some(arg));
            return;
        }
        self.print_value(arg, verb, 0);
    }

    fn handle_methods(&mut self, v: &Value, verb: char) -> bool {
        if self.erroring || self.f.sharp_v {
            return false;
        }
        let Value::Object(o) = v else { return false };
        if !matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
            return false;
        }
        match o.stringer() {
            Some(s) => {
                self.fmt_string(&s, verb);
                true
            }
            None => false,
        }
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        if self.handle_methods(v, verb) {
            return;
        }
        match v {
            Value::Invalid | Value::Nil => {
                if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => self.fmt_bool(*b, verb, v),
            Value::Int(n) | Value::Int64(n) => self.fmt_integer(*n as u64, true, verb, v),
            Value::Float64(x) => self.fmt_float(*x, verb, v),
            Value::String(s) => self.fmt_string(s, verb),
            Value::List(l) => self.print_list(v, l, verb, depth),
            Value::Map(m) => {
                if self.f.sharp_v {
                    self.buf.push_str("map[string]interface {}{");
                } else {
                    self.buf.push_str("map[");
                }
                for (i, (k, e)) in m.snapshot().iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                    }
                    self.fmt_string(k, verb);
                    self.buf.push(':');
                    self.print_value(e, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Value::Object(o) => match o.kind() {
                Kind::Bool => self.fmt_bool(o.int().unwrap_or(0) != 0, verb, v),
                Kind::Int => self.fmt_integer(o.int().unwrap_or(0) as u64, true, verb, v),
                Kind::Uint => self.fmt_integer(o.uint().unwrap_or(0), false, verb, v),
                Kind::Float => self.fmt_float(o.float().unwrap_or(0.0), verb, v),
                Kind::String => self.fmt_string(o.str().unwrap_or(""), verb),
                Kind::Slice => {
                    let elems = o.elements().unwrap_or_default();
                    if self.f.sharp_v && o.is_nil() {
                        let t = o.type_name();
                        self.buf.push_str(&t);
                        self.buf.push_str("(nil)");
                        return;
                    }
                    self.print_list(v, &elems, verb, depth);
                }
                Kind::Map => {
                    if self.f.sharp_v {
                        let t = o.type_name();
                        self.buf.push_str(&t);
                        if o.is_nil() {
                            self.buf.push_str("(nil)");
                            return;
                        }
                        self.buf.push('{');
                    } else {
                        self.buf.push_str("map[");
                    }
                    for (i, (k, e)) in o.fields().iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
                        }
                        self.fmt_string(k, verb);
                        self.buf.push(':');
                        self.print_value(e, verb, depth + 1);
                    }
                    self.buf.push(if self.f.sharp_v { '}' } else { ']' });
                }
                Kind::Struct => self.print_struct(v, depth, verb),
                Kind::Pointer => {
                    if o.is_nil() {
                        self.fmt_nil_pointer(verb, v);
                    } else if depth == 0 {
                        self.buf.push('&');
                        self.print_struct(v, depth + 1, verb);
                    } else {
                        self.fmt_pointer_address(verb, v);
                    }
                }
                Kind::Func => {
                    if o.is_nil() {
                        self.fmt_nil_pointer(verb, v);
                    } else {
                        self.fmt_pointer_address(verb, v);
                    }
                }
                Kind::Interface | Kind::Invalid | Kind::Complex => {
                    let t = o.type_name();
                    self.buf.push('?');
                    self.buf.push_str(&t);
                    self.buf.push('?');
                }
            },
        }
    }

    fn print_list(&mut self, v: &Value, items: &[Value], verb: char, depth: usize) {
        if self.f.sharp_v {
            let t = v.type_name();
            self.buf.push_str(&t);
            self.buf.push('{');
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.print_value(e, verb, depth + 1);
            }
            self.buf.push('}');
        } else {
            self.buf.push('[');
            for (i, e) in items.iter().enumerate() {
                if i > 0 {
                    self.buf.push(' ');
                }
                self.print_value(e, verb, depth + 1);
            }
            self.buf.push(']');
        }
    }

    fn print_struct(&mut self, v: &Value, depth: usize, verb: char) {
        let Value::Object(o) = v else { return };
        if self.f.sharp_v {
            let t = o.type_name();
            self.buf.push_str(t.trim_start_matches('*'));
        }
        self.buf.push('{');
        for (i, (name, field)) in o.fields().iter().enumerate() {
            if i > 0 {
                self.buf.push_str(if self.f.sharp_v { ", " } else { " " });
            }
            if self.f.plus_v || self.f.sharp_v {
                self.buf.push_str(name);
                self.buf.push(':');
            }
            self.print_value(field, verb, depth + 1);
        }
        self.buf.push('}');
    }

    fn fmt_nil_pointer(&mut self, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    let t = v.type_name();
                    self.buf.push('(');
                    self.buf.push_str(&t);
                    self.buf.push_str(")(nil)");
                } else {
                    self.pad("<nil>");
                }
            }
            'b' | 'o' | 'd' | 'x' | 'X' => self.fmt_integer(0, false, verb, v),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_pointer_address(&mut self, verb: char, v: &Value) {
        // Addresses are not reproducible; a fixed one stands in for Go's.
        match verb {
            'v' => {
                if self.f.sharp_v {
                    let t = v.type_name();
                    let _ = write!(self.buf, "({t})(0xc000010000)");
                } else {
                    self.pad("0xc000010000");
                }
            }
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn bad_verb(&mut self, verb: char, arg: Option<&Value>) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match arg {
            Some(v) if !v.is_invalid() && !matches!(v, Value::Nil) => {
                let t = v.type_name();
                self.buf.push_str(&t);
                self.buf.push('=');
                let saved = self.f;
                self.f.wid_present = false;
                self.f.prec_present = false;
                self.f.sharp = false;
                self.f.plus = false;
                self.f.zero = false;
                self.f.minus = false;
                self.f.space = false;
                self.f.sharp_v = false;
                self.f.plus_v = false;
                // Go prints with the same flags; width and precision stay too.
                self.f = saved;
                self.print_arg(v, 'v');
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
        self.erroring = false;
    }

    // ---- scalars ----

    fn fmt_bool(&mut self, b: bool, verb: char, v: &Value) {
        match verb {
            't' | 'v' => self.pad(if b { "true" } else { "false" }),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_integer(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    let sharp = self.f.sharp;
                    self.f.sharp = true;
                    self.fmt_int_base(u, 16, false, 'v', LDIGITS);
                    self.f.sharp = sharp;
                } else {
                    self.fmt_int_base(u, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_int_base(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_int_base(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_int_base(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_int_base(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_int_base(u, 16, signed, verb, UDIGITS),
            'c' => {
                let c = char_of(u);
                self.pad(c.encode_utf8(&mut [0; 4]));
            }
            'q' => {
                let c = char_of(u);
                let q = quote_with(&c.to_string(), '\'', self.f.plus);
                self.pad(&q);
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    fn fmt_int_base(&mut self, mut u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        if negative {
            u = u.wrapping_neg();
        }
        let mut prec = 0usize;
        if self.f.prec_present {
            prec = self.f.prec;
            if prec == 0 && u == 0 {
                let zero = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = zero;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = self.f.wid;
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let mut buf: Vec<u8> = Vec::with_capacity(24 + prec);
        loop {
            buf.push(digits[(u % base) as usize]);
            u /= base;
            if u == 0 {
                break;
            }
        }
        while buf.len() < prec {
            buf.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => buf.extend_from_slice(b"b0"),
                8 if buf.last() != Some(&b'0') => buf.push(b'0'),
                16 => {
                    buf.push(digits[16]);
                    buf.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            buf.extend_from_slice(b"o0");
        }
        if negative {
            buf.push(b'-');
        } else if self.f.plus {
            buf.push(b'+');
        } else if self.f.space {
            buf.push(b' ');
        }
        buf.reverse();
        let s = String::from_utf8(buf).unwrap_or_default();
        let zero = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = zero;
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let mut s = format!("U+{u:0prec$X}");
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && crate::quote::is_print(c)
        {
            let _ = write!(s, " '{c}'");
        }
        let zero = self.f.zero;
        self.f.zero = false;
        self.pad(&s);
        self.f.zero = zero;
    }

    fn fmt_float(&mut self, x: f64, verb: char, v: &Value) {
        let (verb, prec) = match verb {
            'v' => ('g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => (verb, -1),
            'f' | 'e' | 'E' => (verb, 6),
            'F' => ('f', 6),
            _ => return self.bad_verb(verb, Some(v)),
        };
        let prec = if self.f.prec_present { self.f.prec as i64 } else { prec };
        let mut num = format_float(x, verb, prec).into_bytes();
        if num[0] != b'-' && num[0] != b'+' {
            num.insert(0, b'+');
        }
        if self.f.space && num[0] == b'+' && !self.f.plus {
            num[0] = b' ';
        }
        if num[1] == b'I' || num[1] == b'N' {
            let zero = self.f.zero;
            self.f.zero = false;
            if num[1] == b'N' && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(std::str::from_utf8(&num).unwrap_or(""));
            self.f.zero = zero;
            return;
        }
        if self.f.sharp && verb != 'b' {
            let mut digits: i64 = 0;
            if matches!(verb, 'v' | 'g' | 'G' | 'x') {
                digits = prec;
                if digits == -1 {
                    digits = 6;
                }
            }
            let mut tail: Vec<u8> = Vec::new();
            let mut has_point = false;
            let mut saw_nonzero = false;
            let mut i = 1;
            while i < num.len() {
                match num[i] {
                    b'.' => has_point = true,
                    b'p' | b'P' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    b'e' | b'E' if verb != 'x' && verb != 'X' => {
                        tail.extend_from_slice(&num[i..]);
                        num.truncate(i);
                        break;
                    }
                    c => {
                        if c != b'0' {
                            saw_nonzero = true;
                        }
                        if saw_nonzero {
                            digits -= 1;
                        }
                    }
                }
                i += 1;
            }
            if !has_point {
                if num.len() == 2 && num[1] == b'0' {
                    digits -= 1;
                }
                num.push(b'.');
            }
            while digits > 0 {
                num.push(b'0');
                digits -= 1;
            }
            num.extend_from_slice(&tail);
        }
        let s = String::from_utf8(num).unwrap_or_default();
        if self.f.plus || !s.starts_with('+') {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > s.len() {
                self.buf.push_str(&s[..1]);
                self.write_padding(self.f.wid - s.len());
                self.buf.push_str(&s[1..]);
                return;
            }
            self.pad(&s);
            return;
        }
        self.pad(&s[1..]);
    }

    fn fmt_string(&mut self, s: &str, verb: char) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => {
                let v = Value::string(s);
                self.bad_verb(verb, Some(&v));
            }
        }
    }

    fn truncate<'a>(&self, s: &'a str) -> &'a str {
        if self.f.prec_present
            && let Some((i, _)) = s.char_indices().nth(self.f.prec)
        {
            return &s[..i];
        }
        s
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn fmt_sx(&mut self, s: &str, digits: &[u8; 17]) {
        let b = s.as_bytes();
        let mut length = b.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        if self.f.sharp {
            self.buf.push('0');
            self.buf.push(digits[16] as char);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(' ');
                if self.f.sharp {
                    self.buf.push('0');
                    self.buf.push(digits[16] as char);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xf) as usize] as char);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && can_backquote(s) {
            let q = format!("`{s}`");
            self.pad(&q);
            return;
        }
        if !self.f.wid_present || self.f.wid == 0 {
            quote_into(&mut self.buf, s, '"', self.f.plus);
            return;
        }
        let q = quote_with(s, '"', self.f.plus);
        self.pad(&q);
    }

    // ---- Printf ----

    fn do_printf<A: Borrow<Value>>(&mut self, format: &str, a: &[A]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index;
        self.reordered = false;
        let mut i = 0;
        'format: while i < end {
            self.good_arg_num = true;
            let last = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > last {
                self.buf.push_str(&format[last..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                match fb[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = true,
                    b'+' => self.f.plus = true,
                    b'-' => self.f.minus = true,
                    b' ' => self.f.space = true,
                    c => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' || c == b'w' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            self.print_arg(a[arg_num].borrow(), c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format;
                        }
                        break;
                    }
                }
                i += 1;
            }
            (arg_num, i, after_index) = self.arg_number(arg_num, format, i, a.len());
            if i < end && fb[i] == b'*' {
                i += 1;
                let (n, ok, next) = int_from_arg(a, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if n < 0 {
                    self.f.wid = n.unsigned_abs() as usize;
                    self.f.minus = true;
                    self.f.zero = false;
                } else {
                    self.f.wid = n as usize;
                }
                after_index = false;
            } else {
                let (n, ok, next) = parse_num(fb, i, end);
                self.f.wid = n;
                self.f.wid_present = ok;
                i = next;
                if after_index && self.f.wid_present {
                    self.good_arg_num = false;
                }
            }
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, format, i, a.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (n, ok, next) = int_from_arg(a, arg_num);
                    arg_num = next;
                    self.f.prec_present = ok;
                    self.f.prec = if n < 0 { 0 } else { n as usize };
                    if n < 0 {
                        self.f.prec_present = false;
                    }
                    if !self.f.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (n, ok, next) = parse_num(fb, i, end);
                    self.f.prec = if ok { n } else { 0 };
                    self.f.prec_present = true;
                    i = next;
                }
            }
            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, format, i, a.len());
            }
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let Some(verb) = format[i..].chars().next() else { break };
            i += verb.len_utf8();
            match verb {
                '%' => self.buf.push('%'),
                _ if !self.good_arg_num => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(BADINDEX)");
                }
                _ if arg_num >= a.len() => {
                    self.buf.push_str("%!");
                    self.buf.push(verb);
                    self.buf.push_str("(MISSING)");
                }
                _ => {
                    if verb == 'v' || verb == 'w' {
                        self.f.sharp_v = self.f.sharp;
                        self.f.sharp = false;
                        self.f.plus_v = self.f.plus;
                        self.f.plus = false;
                    }
                    self.print_arg(a[arg_num].borrow(), verb);
                    arg_num += 1;
                }
            }
        }
        if !self.reordered && arg_num < a.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (i, arg) in a[arg_num..].iter().enumerate() {
                let arg = arg.borrow();
                if i > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_invalid() || matches!(arg, Value::Nil) {
                    self.buf.push_str("<nil>");
                } else {
                    let t = arg.type_name();
                    self.buf.push_str(&t);
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn arg_number(&mut self, arg_num: usize, format: &str, i: usize, num_args: usize) -> (usize, usize, bool) {
        let fb = format.as_bytes();
        if fb.len() <= i || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&fb[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }
}

fn parse_num(s: &[u8], mut start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut isnum = false;
    while start < end && s[start].is_ascii_digit() {
        if num > 1_000_000 {
            return (0, false, end);
        }
        num = num * 10 + usize::from(s[start] - b'0');
        isnum = true;
        start += 1;
    }
    (num, isnum, start)
}

fn parse_arg_number(format: &[u8]) -> (i64, usize, bool) {
    if format.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..format.len() {
        if format[i] == b']' {
            let (width, ok, newi) = parse_num(format, 1, i);
            if !ok || newi != i {
                return (0, i + 1, false);
            }
            return (width as i64 - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

fn int_from_arg<A: Borrow<Value>>(a: &[A], arg_num: usize) -> (i64, bool, usize) {
    if arg_num >= a.len() {
        return (0, false, arg_num);
    }
    let v = a[arg_num].borrow();
    let (mut num, mut ok) = match v.kind() {
        Kind::Int => (v.as_int().unwrap_or(0), true),
        Kind::Uint => match v.as_uint() {
            Some(u) if i64::try_from(u).is_ok() => (u as i64, true),
            _ => (0, false),
        },
        _ => (0, false),
    };
    if !(-1_000_000..=1_000_000).contains(&num) {
        num = 0;
        ok = false;
    }
    (num, ok, arg_num + 1)
}

fn char_of(u: u64) -> char {
    u32::try_from(u).ok().and_then(char::from_u32).unwrap_or('\u{fffd}')
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c != '`' && c != '\u{fffd}' && (c == '\t' || !(c < ' ' || c == '\x7f')))
        && !s.contains('\u{feff}')
}

/// Go's `strconv.Quote`/`QuoteRune` (and their ASCII-only forms) with the given quote character.
pub fn quote_with(s: &str, quote: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(&mut out, s, quote, ascii_only);
    out
}

/// [`quote_with`] appending to `out`.
pub fn quote_into(out: &mut String, s: &str, quote: char, ascii_only: bool) {
    out.push(quote);
    // The common case: printable ASCII with nothing to escape.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != quote as u8 && b != b'\\') {
        out.push_str(s);
        out.push(quote);
        return;
    }
    for c in s.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
            out.push(c);
            continue;
        }
        if ascii_only {
            if c.is_ascii() && crate::quote::is_print(c) {
                out.push(c);
                continue;
            }
        } else if crate::quote::is_print(c) {
            out.push(c);
            continue;
        }
        match c {
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\x7f' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
}

/// Decimal digits of a float (no leading or trailing zeros; empty for zero) and the decimal point's place.
struct Digits {
    d: Vec<u8>,
    dp: i64,
}

fn digits_from(mantissa: &str, exp: i64) -> Digits {
    // mantissa like "1.2345" (scientific, one digit before the point).
    let mut d: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

fn sci_digits(s: &str) -> Digits {
    let (m, e) = s.split_once('e').unwrap_or((s, "0"));
    digits_from(m, e.parse().unwrap_or(0))
}

/// Go's `strconv.FormatFloat(x, verb, prec, 64)` for the verbs `e E f g G b` (`x X` print as `%b`).
pub fn format_float(x: f64, verb: char, prec: i64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    let neg = x.is_sign_negative();
    let a = x.abs();
    if matches!(verb, 'x' | 'X') {
        return format_hex_float(x, verb, prec);
    }
    if verb == 'b' {
        let bits = x.to_bits();
        let mut exp = ((bits >> 52) & 0x7ff) as i64;
        let mut mant = bits & ((1 << 52) - 1);
        if exp == 0 {
            exp += 1;
        } else {
            mant |= 1 << 52;
        }
        exp += -1023 - 52;
        let sign = if neg { "-" } else { "" };
        let esign = if exp >= 0 { "+" } else { "" };
        return format!("{sign}{mant}p{esign}{exp}");
    }
    let shortest = prec < 0;
    let mut prec = prec;
    let digs = if shortest {
        let d = sci_digits(&format!("{a:e}"));
        let nd = d.d.len() as i64;
        prec = match verb {
            'e' | 'E' => (nd - 1).max(0),
            'f' => (nd - d.dp).max(0),
            _ => nd,
        };
        d
    } else {
        match verb {
            'e' | 'E' => sci_digits(&format!("{a:.*e}", prec as usize)),
            'f' => {
                let s = format!("{a:.*}", prec as usize);
                let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
                let mut d: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
                let mut dp = int.len() as i64;
                let lead = d.iter().take_while(|&&c| c == b'0').count();
                d.drain(..lead);
                dp -= lead as i64;
                while d.last() == Some(&b'0') {
                    d.pop();
                }
                if d.is_empty() {
                    dp = 0;
                }
                Digits { d, dp }
            }
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                sci_digits(&format!("{a:.*e}", (prec - 1) as usize))
            }
        }
    };
    let mut out = String::new();
    let nd = digs.d.len() as i64;
    match verb {
        'e' | 'E' => fmt_e(&mut out, neg, &digs, prec, verb),
        'f' => fmt_f(&mut out, neg, &digs, prec),
        _ => {
            let mut eprec = prec;
            if eprec > nd && nd >= digs.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                fmt_e(&mut out, neg, &digs, prec - 1, if verb == 'g' { 'e' } else { 'E' });
            } else {
                if prec > digs.dp {
                    prec = nd;
                }
                fmt_f(&mut out, neg, &digs, (prec - digs.dp).max(0));
            }
        }
    }
    out
}

/// Go's `%x` of a float: `0x1.8p+00`.
fn format_hex_float(x: f64, verb: char, prec: i64) -> String {
    let bits = x.to_bits();
    let neg = bits >> 63 != 0;
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    if exp == 0 {
        exp += 1;
    } else {
        mant |= 1 << 52;
    }
    exp -= 1023;
    if mant == 0 {
        exp = 0;
    }
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if verb == 'X' { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push('0');
    out.push(verb);
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4;
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if verb == 'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    let _ = write!(out, "{exp:02}");
    out
}

fn fmt_e(out: &mut String, neg: bool, d: &Digits, prec: i64, verb: char) {
    if neg {
        out.push('-');
    }
    out.push(d.d.first().map_or('0', |&c| c as char));
    if prec > 0 {
        out.push('.');
        let m = (d.d.len() as i64).min(prec + 1);
        let mut i = 1;
        if i < m {
            out.extend(d.d[1..m as usize].iter().map(|&c| c as char));
            i = m;
        }
        while i <= prec {
            out.push('0');
            i += 1;
        }
    }
    out.push(verb);
    let mut exp = if d.d.is_empty() { 0 } else { d.dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

fn fmt_f(out: &mut String, neg: bool, d: &Digits, prec: i64) {
    if neg {
        out.push('-');
    }
    let nd = d.d.len() as i64;
    if d.dp > 0 {
        let m = nd.min(d.dp);
        out.extend(d.d[..m as usize].iter().map(|&c| c as char));
        for _ in m..d.dp {
            out.push('0');
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            let j = d.dp + i - 1;
            out.push(if (0..nd).contains(&j) { d.d[j as usize] as char } else { '0' });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_as_go() {
        let g = |x: f64| format_float(x, 'g', -1);
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(123456789.0), "1.23456789e+08");
        assert_eq!(g(1e-5), "1e-05");
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(3.0), "3");
        assert_eq!(g(0.0), "0");
        assert_eq!(g(100000.0), "100000");
        assert_eq!(format_float(2.61828, 'e', 3), "2.618e+00");
        assert_eq!(format_float(0.125, 'f', 2), "0.12");
        assert_eq!(format_float(1.0, 'g', 3), "1");
        assert_eq!(format_float(1234567.0, 'g', 3), "1.23e+06");
    }

    #[test]
    fn printf_as_go() {
        let s = |x: &str| Value::string(x);
        assert_eq!(sprintf("%d", &[s("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s %s", &[s("a")]), "a %!s(MISSING)");
        assert_eq!(sprintf("%s", &[s("a"), Value::Int(3)]), "a%!(EXTRA int=3)");
        assert_eq!(sprintf("%05.1f|%-5d|%x", &[Value::Float64(2.61828), Value::Int(42), s("hi")]), "002.6|42   |6869");
        assert_eq!(sprint(&[Value::Int(1), Value::Int(2), s("a"), Value::Int(3)]), "1 2a3");
    }
}
