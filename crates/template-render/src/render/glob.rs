//! Glob patterns as `github.com/gobwas/glob` matches them with `/` as the separator, which
//! `.Files.Glob` uses: `*` and `?` stop at `/`, `**` does not, `[a-z]`, `[!x]`, `{a,b}`, `\` escapes.

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Glob(Vec<Tok>);

#[derive(Debug, Clone)]
enum Tok {
    Lit(char),
    One,
    Star,
    SuperStar,
    Class { negated: bool, ranges: Vec<(char, char)> },
    Alt(Vec<Vec<Tok>>),
}

impl Glob {
    /// Compiles a pattern; `None` when gobwas would refuse it (an unclosed `[` or `{`).
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let toks = parse(&chars, &mut i, false)?;
        (i == chars.len()).then_some(Glob(toks))
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        match_at(&self.0, &chars)
    }
}

/// Parses until the end, or (inside braces) until `,` or `}` which are left for the caller.
fn parse(p: &[char], i: &mut usize, in_alt: bool) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    while *i < p.len() {
        let c = p[*i];
        match c {
            ',' | '}' if in_alt => return Some(out),
            '\\' => {
                *i += 1;
                out.push(Tok::Lit(*p.get(*i)?));
                *i += 1;
            }
            '?' => {
                out.push(Tok::One);
                *i += 1;
            }
            '*' => {
                if p.get(*i + 1) == Some(&'*') {
                    out.push(Tok::SuperStar);
                    *i += 2;
                } else {
                    out.push(Tok::Star);
                    *i += 1;
                }
            }
            '[' => {
                *i += 1;
                let negated = p.get(*i) == Some(&'!');
                if negated {
                    *i += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let c = *p.get(*i)?;
                    if c == ']' {
                        *i += 1;
                        break;
                    }
                    if p.get(*i + 1) == Some(&'-') && p.get(*i + 2).is_some_and(|c| *c != ']') {
                        ranges.push((c, p[*i + 2]));
                        *i += 3;
                    } else {
                        ranges.push((c, c));
                        *i += 1;
                    }
                }
                out.push(Tok::Class { negated, ranges });
            }
            '{' => {
                *i += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse(p, i, true)?);
                    match p.get(*i)? {
                        ',' => *i += 1,
                        _ => {
                            *i += 1;
                            break;
                        }
                    }
                }
                out.push(Tok::Alt(alts));
            }
            c => {
                out.push(Tok::Lit(c));
                *i += 1;
            }
        }
    }
    if in_alt { None } else { Some(out) }
}

fn match_at(toks: &[Tok], s: &[char]) -> bool {
    let Some((first, rest)) = toks.split_first() else { return s.is_empty() };
    match first {
        Tok::Lit(c) => s.first() == Some(c) && match_at(rest, &s[1..]),
        Tok::One => s.first().is_some_and(|c| *c != '/') && match_at(rest, &s[1..]),
        Tok::Class { negated, ranges } => {
            s.first().is_some_and(|c| *c != '/' && ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated)
                && match_at(rest, &s[1..])
        }
        Tok::Star => {
            for k in 0..=s.len() {
                if match_at(rest, &s[k..]) {
                    return true;
                }
                if k < s.len() && s[k] == '/' {
                    break;
                }
            }
            false
        }
        Tok::SuperStar => (0..=s.len()).any(|k| match_at(rest, &s[k..])),
        Tok::Alt(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_at(&joined, s)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::Glob;

    fn check(pattern: &str, name: &str, want: bool) {
        assert_eq!(Glob::compile(pattern).unwrap().matches(name), want, "{pattern} ~ {name}");
    }

    #[test]
    fn gobwas_rules() {
        check("files/*", "files/a.txt", true);
        check("files/*", "files/x/a.txt", false);
        check("files/**", "files/x/a.txt", true);
        check("**.yaml", "a/b/c.yaml", true);
        check("files/{a,b}.txt", "files/b.txt", true);
        check("files/[!a]*", "files/a.txt", false);
        check("files/?.txt", "files/c.txt", true);
        assert!(Glob::compile("files/[a").is_none());
    }
}
