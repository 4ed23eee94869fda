//! Go's `filepath.Match` on Unix, which .helmignore patterns use.
//!
//! Go matches chunk by chunk (text between stars) without full backtracking;
//! this follows the same steps so that odd patterns behave the same.

/// `filepath.ErrBadPattern`'s message.
pub(crate) const BAD_PATTERN: &str = "syntax error in pattern";

/// Whether `name` matches the shell pattern, as Go's `filepath.Match`;
/// `Err` for a malformed pattern. `*` and `?` never match `/`.
pub(crate) fn matches(pattern: &str, name: &str) -> Result<bool, &'static str> {
    let mut pattern: Vec<char> = pattern.chars().collect();
    let mut name: Vec<char> = name.chars().collect();
    'pattern: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(&pattern);
        let (chunk, rest) = (chunk.to_vec(), rest.to_vec());
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(!name.contains(&'/'));
        }
        let (t, ok) = match_chunk(&chunk, &name)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != '/' {
                let (t, ok) = match_chunk(&chunk, &name[i + 1..])?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
                i += 1;
            }
        }
        // Before answering no, Go checks that the rest of the pattern is well formed.
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(&pattern);
            let (chunk, rest) = (chunk.to_vec(), rest.to_vec());
            match_chunk(&chunk, &[])?;
            pattern = rest;
        }
        return Ok(false);
    }
    Ok(name.is_empty())
}

/// Splits off leading stars and the text up to the next star outside a class.
fn scan_chunk(pattern: &[char]) -> (bool, &[char], &[char]) {
    let mut p = pattern;
    let mut star = false;
    while p.first() == Some(&'*') {
        p = &p[1..];
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' if i + 1 < p.len() => i += 1,
            '[' => in_range = true,
            ']' => in_range = false,
            '*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &p[..i], &p[i..])
}

/// Matches a chunk at the start of `s`: the rest of `s` and whether it matched.
fn match_chunk(chunk: &[char], s: &[char]) -> Result<(Vec<char>, bool), &'static str> {
    let mut chunk = chunk;
    let mut s = s;
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            '[' => {
                let mut r = '\0';
                if !failed {
                    r = s[0];
                    s = &s[1..];
                }
                chunk = &chunk[1..];
                let negated = chunk.first() == Some(&'^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut ranges = 0;
                loop {
                    if chunk.first() == Some(&']') && ranges > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk.first() == Some(&'-') {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    ranges += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    if s[0] == '/' {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
            c => {
                let c = if c == '\\' {
                    chunk = &chunk[1..];
                    *chunk.first().ok_or(BAD_PATTERN)?
                } else {
                    c
                };
                if !failed {
                    if c != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed { Ok((Vec::new(), false)) } else { Ok((s.to_vec(), true)) }
}

/// One possibly escaped character of a class; a class must not end right after it.
fn get_esc(chunk: &[char]) -> Result<(char, &[char]), &'static str> {
    let mut chunk = chunk;
    match chunk.first() {
        None | Some('-' | ']') => return Err(BAD_PATTERN),
        Some('\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BAD_PATTERN);
            }
        }
        Some(_) => {}
    }
    let r = chunk[0];
    let rest = &chunk[1..];
    if rest.is_empty() {
        return Err(BAD_PATTERN);
    }
    Ok((r, rest))
}

#[cfg(test)]
mod tests {
    use super::{BAD_PATTERN, matches};

    #[test]
    fn like_go() {
        assert_eq!(matches("*.txt", "a.txt"), Ok(true));
        assert_eq!(matches("*.txt", "a/b.txt"), Ok(false));
        assert_eq!(matches("a*/b", "abc/b"), Ok(true));
        assert_eq!(matches("[a-c]x", "bx"), Ok(true));
        assert_eq!(matches("[^a-c]x", "bx"), Ok(false));
        assert_eq!(matches("[", "a"), Err(BAD_PATTERN));
        assert_eq!(matches("a\\", "a"), Err(BAD_PATTERN));
        assert_eq!(matches(".?*", ".a"), Ok(true));
        assert_eq!(matches(".?*", "."), Ok(false));
        assert_eq!(matches("templates/.?*", "templates/.x"), Ok(true));
        assert_eq!(matches("a*b*c", "axxbxxc"), Ok(true));
    }
}
