//! The order in which go-yaml v2 writes map keys: a "natural" order where
//! runs of digits compare by value (`a2` before `a10`) and letters come
//! after everything else at the first difference.

/// Sorts keys as go-yaml v2's encoder does (`sort.Sort(keyList)`).
///
/// go-yaml's comparison is not a total order for every set of strings, so
/// this is a merge sort that never trusts it to be one (the standard sort
/// may panic on such a comparison); where go-yaml's comparison is
/// consistent, every correct sort gives go-yaml's order.
pub(crate) fn sort_keys(keys: &mut Vec<&str>) {
    let items: Vec<(&str, Vec<char>)> = keys.iter().map(|k| (*k, k.chars().collect())).collect();
    let sorted = merge_sort(items);
    *keys = sorted.into_iter().map(|(k, _)| k).collect();
}

fn merge_sort(mut items: Vec<(&str, Vec<char>)>) -> Vec<(&str, Vec<char>)> {
    if items.len() <= 1 {
        return items;
    }
    let right = items.split_off(items.len() / 2);
    let left = merge_sort(items);
    let right = merge_sort(right);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        let take_right = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => less(&r.1, &l.1),
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (None, None) => break,
        };
        let next = if take_right { right.next() } else { left.next() };
        out.extend(next);
    }
    out
}

/// go-yaml's `keyList.Less` for two string keys, over their runes.
fn less(a: &[char], b: &[char]) -> bool {
    for i in 0..a.len().min(b.len()) {
        if a[i] == b[i] {
            continue;
        }
        let al = is_letter(a[i]);
        let bl = is_letter(b[i]);
        if al && bl {
            return a[i] < b[i];
        }
        if al || bl {
            return bl;
        }
        // Compare the digit runs that start here by value; a run that
        // continues a non-zero number already seen counts as non-zero.
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if a[i] == '0' || b[i] == '0' {
            for &c in a[..i].iter().rev() {
                if !is_digit(c) {
                    break;
                }
                if c != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < a.len() && is_digit(a[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(a[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < b.len() && is_digit(b[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(b[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return a[i] < b[i];
    }
    a.len() < b.len()
}

/// Go's `int64(r - '0')` for a digit rune, whatever its script.
fn digit_value(c: char) -> i64 {
    i64::from(c as u32) - i64::from(b'0')
}

/// Go's `unicode.IsLetter`: general category L.
fn is_letter(c: char) -> bool {
    use unicode_general_category::{GeneralCategory as G, get_general_category};
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter | G::LowercaseLetter | G::TitlecaseLetter | G::ModifierLetter | G::OtherLetter
    )
}

/// Go's `unicode.IsDigit`: general category Nd.
fn is_digit(c: char) -> bool {
    use unicode_general_category::{GeneralCategory, get_general_category};
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    get_general_category(c) == GeneralCategory::DecimalNumber
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order() {
        let mut keys = vec!["a10", "a2", "b", "A", "a", "1", "01", "_x", "a01", "10", "2", "a1"];
        sort_keys(&mut keys);
        assert_eq!(keys, ["_x", "1", "01", "2", "10", "A", "a", "a1", "a01", "a2", "a10", "b"]);
    }
}
