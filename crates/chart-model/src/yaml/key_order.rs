//! The order in which go-yaml v2 writes map keys: a "natural" order where
//! runs of digits compare by value (`a2` before `a10`) and letters come
//! after everything else at the first difference.

/// Sorts keys as go-yaml v2's encoder does (`sort.Sort(keyList)`).
///
/// go-yaml's comparison is not a total order for every set of strings, so
/// this is a merge sort that never trusts it to be one (the standard sort
/// may panic on such a comparison); where go-yaml's comparison is
/// consistent, every correct sort gives go-yaml's order.
#[cfg(test)]
pub(crate) fn sort_keys(keys: &mut [&str]) {
    sort_by_key_text(keys, |k| *k);
}

/// Sorts `items` by their key text (see [`sort_keys`]). ASCII keys are compared as bytes;
/// any other key set is compared over runes, as go-yaml does.
pub(crate) fn sort_by_key_text<T: Copy>(items: &mut [T], key: impl Fn(&T) -> &str) {
    if items.len() <= 1 {
        return;
    }
    if items.iter().all(|item| key(item).is_ascii()) {
        // Without digits, go-yaml's comparison of ASCII keys is a total order (non-letters
        // before letters, then by byte), so keys already in that order stay as they are.
        let digitless = items.iter().all(|item| !key(item).bytes().any(|b| b.is_ascii_digit()));
        if digitless && items.windows(2).all(|w| !less(key(&w[1]).as_bytes(), key(&w[0]).as_bytes())) {
            return;
        }
        let mut scratch = Vec::with_capacity(items.len());
        merge_sort(items, &mut scratch, &|a: &T, b: &T| less(key(a).as_bytes(), key(b).as_bytes()));
    } else {
        let keyed: Vec<(T, Vec<char>)> = items.iter().map(|item| (*item, key(item).chars().collect())).collect();
        let mut order: Vec<usize> = (0..keyed.len()).collect();
        let mut scratch = Vec::with_capacity(order.len());
        merge_sort(&mut order, &mut scratch, &|&a: &usize, &b: &usize| less(&keyed[a].1, &keyed[b].1));
        for (slot, i) in items.iter_mut().zip(order) {
            *slot = keyed[i].0;
        }
    }
}

/// A top-down merge sort that trusts `less` with nothing (it may be inconsistent): the left
/// half is the first `len / 2`, and an item of the right half goes first only when it is less
/// than the left one.
fn merge_sort<T: Copy>(items: &mut [T], scratch: &mut Vec<T>, less: &impl Fn(&T, &T) -> bool) {
    if items.len() <= 1 {
        return;
    }
    let mid = items.len() / 2;
    merge_sort(&mut items[..mid], scratch, less);
    merge_sort(&mut items[mid..], scratch, less);
    scratch.clear();
    let (mut l, mut r) = (0, mid);
    while l < mid && r < items.len() {
        if less(&items[r], &items[l]) {
            scratch.push(items[r]);
            r += 1;
        } else {
            scratch.push(items[l]);
            l += 1;
        }
    }
    scratch.extend_from_slice(&items[l..mid]);
    scratch.extend_from_slice(&items[r..]);
    items.copy_from_slice(scratch);
}

/// go-yaml's `keyList.Less` for two string keys, over their runes (or bytes, for ASCII keys).
fn less<C: Copy + Into<char>>(a: &[C], b: &[C]) -> bool {
    let ch = |s: &[C], i: usize| -> char { s[i].into() };
    for i in 0..a.len().min(b.len()) {
        let (ai_c, bi_c) = (ch(a, i), ch(b, i));
        if ai_c == bi_c {
            continue;
        }
        let al = is_letter(ai_c);
        let bl = is_letter(bi_c);
        if al && bl {
            return ai_c < bi_c;
        }
        if al || bl {
            return bl;
        }
        // Compare the digit runs that start here by value; a run that
        // continues a non-zero number already seen counts as non-zero.
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ai_c == '0' || bi_c == '0' {
            for j in (0..i).rev() {
                let c = ch(a, j);
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
        while ai < a.len() && is_digit(ch(a, ai)) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ch(a, ai)));
            ai += 1;
        }
        let mut bi = i;
        while bi < b.len() && is_digit(ch(b, bi)) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(ch(b, bi)));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ai_c < bi_c;
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
        let mut keys = vec!["cpu", "limits", "memory", "requests"];
        sort_keys(&mut keys);
        assert_eq!(keys, ["cpu", "limits", "memory", "requests"]);
        let mut keys = vec!["A", "B", "_", "a", "b-c", "b_c", "bc"];
        sort_keys(&mut keys);
        assert_eq!(keys, ["_", "A", "B", "a", "b-c", "b_c", "bc"]);
        let mut keys = vec!["é10", "é2", "e", "b", "é", "1"];
        sort_keys(&mut keys);
        assert_eq!(keys, ["1", "b", "e", "é", "é2", "é10"]);
    }
}
