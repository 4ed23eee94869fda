#!/usr/bin/env python3
"""Writes cases.json for the sprig suite: Sprig's non-crypto, non-date, non-random functions
evaluated by Helm's engine (the oracle's `eval` command). Run it, then
`cargo xtask oracle --update golden/sprig/cases.json` to refresh expected.json."""

import json
import os
import re


def I(n):
    return {"int": str(n)}


def I64(n):
    return {"int64": str(n)}


def F(x):
    return {"float64": x}


def M(d):
    return {"map": d}


CASES = []


def add(group, template, values=None):
    name = f"{group}-{sum(1 for c in CASES if c['name'].startswith(group + '-')) + 1:02d}"
    case = {"name": name, "template": template}
    if values is not None and ".Values" in template:
        # Only the values the template names, to keep cases.json small.
        used = set(re.findall(r"\.Values\.([A-Za-z0-9_]+)", template))
        bare = re.search(r"\.Values(?![.A-Za-z0-9_])", template)
        case["values"] = M(values if bare else {k: v for k, v in values.items() if k in used})
    CASES.append(case)


def many(group, templates, values=None):
    for t in templates:
        add(group, t, values)


# Values shared by many cases: every Go type a values file or a template produces.
V = {
    "i": I(5),
    "i64": I64(7),
    "f": F("2.5"),
    "fi": F("3"),
    "big": F("1e+06"),
    "neg": F("-2.5"),
    "s": "hello",
    "n": "42",
    "e": "",
    "t": True,
    "no": False,
    "nil": None,
    "l": ["a", "b", "c"],
    "nums": [I(3), I(1), I(2)],
    "mixed": [I(1), "1", F("1"), I64(1), None, True],
    "el": [],
    "m": M({"a": I(1), "b": "two", "c": M({"d": "deep"})}),
    "em": M({}),
}

# ---- strings ----
many("trim", ['{{ trim "  a b  " }}', '{{ trim "\\t\\n x \\r" }}', '{{ trim "" }}', '{{ .Values.s | trim }}'])
many("case", [
    '{{ upper "hello World" }}', '{{ lower "HeLLo" }}', '{{ title "hello world-foo_bar baz.qux" }}',
    '{{ untitle "Hello World FOO" }}', '{{ title "élan vital" }}', '{{ upper "straße" }}',
    '{{ swapcase "Hello World 123" }}', '{{ swapcase "aBc dEf" }}', '{{ swapcase "" }}',
])
many("substr", [
    '{{ substr 0 3 "hello" }}', '{{ substr 1 -1 "hello" }}', '{{ substr -1 2 "hello" }}', '{{ substr 2 99 "hello" }}',
    '{{ substr 3 1 "hello" }}', '{{ substr 0 0 "hello" }}', '{{ substr 6 9 "hello" }}', '{{ substr -1 9 "hello" }}',
])
many("trunc", ['{{ trunc 3 "hello" }}', '{{ trunc -3 "hello" }}', '{{ trunc 10 "hello" }}', '{{ trunc -10 "hello" }}',
               '{{ trunc 0 "hello" }}', '{{ "hello" | trunc 2 }}'])
many("abbrev", [
    '{{ abbrev 5 "hello world" }}', '{{ abbrev 3 "hello world" }}', '{{ abbrev 20 "hello world" }}',
    '{{ abbrev 4 "hello world" }}', '{{ abbrev 5 "" }}',
    '{{ abbrevboth 5 10 "1234 5678 9123" }}', '{{ abbrevboth 1 4 "abcdefghij" }}', '{{ abbrevboth 0 4 "abcdefghij" }}',
    '{{ abbrevboth 10 7 "abcdefghijklmnopqrstuvwxyz" }}', '{{ abbrevboth 3 20 "abcdefghij" }}',
    '{{ abbrevboth 6 8 "abcdefghijklmno" }}', '{{ abbrevboth 20 10 "abcdefghijklmnopqrs" }}',
])
many("repeat", ['{{ repeat 3 "ab" }}', '{{ "x" | repeat 0 }}', '{{ repeat -1 "x" }}', '{{ repeat 2 "" }}'])
many("trimall", [
    '{{ trimAll "$" "$5.00$" }}', '{{ trimall "ab" "abcba" }}', '{{ trimAll "" "xx" }}',
    '{{ trimSuffix "-" "hello-" }}', '{{ trimSuffix "x" "hello" }}', '{{ trimPrefix "-" "-hello" }}',
    '{{ trimPrefix "" "hello" }}', '{{ "--a--" | trimAll "-" }}',
])
many("nospace", ['{{ nospace "h e l\\tl\\no" }}', '{{ nospace "hello" }}', '{{ nospace "" }}', '{{ nospace " é è " }}'])
many("initials", ['{{ initials "First Try" }}', '{{ initials "  a  b c " }}', '{{ initials "" }}',
                  '{{ initials "hello" }}', '{{ initials "élan vital" }}'])
many("snakecase", [
    '{{ snakecase "FirstName" }}', '{{ snakecase "HTTPServer" }}', '{{ snakecase "firstName2Last" }}',
    '{{ snakecase "already_snake" }}', '{{ snakecase "with space" }}', '{{ snakecase "ID" }}',
    '{{ snakecase "a1b2" }}', '{{ snakecase "version10Beta" }}', '{{ snakecase "My-Kebab-Case" }}',
    '{{ snakecase "foo.bar" }}', '{{ snakecase "" }}', '{{ snakecase "AbcDEFGhi" }}', '{{ snakecase "x" }}',
    '{{ snakecase "__a__b" }}', '{{ snakecase "HelloWorld123Foo" }}', '{{ snakecase "123abc" }}',
])
many("kebabcase", [
    '{{ kebabcase "FirstName" }}', '{{ kebabcase "HTTPServer" }}', '{{ kebabcase "snake_case_here" }}',
    '{{ kebabcase "a b  c" }}', '{{ kebabcase "fooBar2Baz" }}',
])
many("camelcase", [
    '{{ camelcase "http_server" }}', '{{ camelcase "foo-bar baz" }}', '{{ camelcase "FOO_BAR" }}',
    '{{ camelcase "_leading" }}', '{{ camelcase "x" }}', '{{ camelcase "" }}', '{{ camelcase "__" }}',
    '{{ camelcase "already CamelCase" }}', '{{ camelcase "a__b" }}', '{{ camelcase "trailing_" }}',
])
many("wrap", [
    '{{ wrap 5 "Hello World here" }}', '{{ wrap 3 "abcdefgh ij" }}', '{{ wrap 10 "short" }}',
    '{{ wrap 0 "a b c" }}', '{{ wrap 4 "  leading spaces here" }}',
    '{{ wrapWith 5 "\\t" "Hello World" }}', '{{ wrapWith 3 "|" "abcdefgh" }}', '{{ wrapWith 4 "" "ab cd ef" }}',
])
many("contains", [
    '{{ contains "ell" "hello" }}', '{{ contains "x" "hello" }}', '{{ contains "" "" }}',
    '{{ hasPrefix "he" "hello" }}', '{{ hasPrefix "lo" "hello" }}', '{{ hasSuffix "lo" "hello" }}',
    '{{ hasSuffix "" "x" }}', '{{ "hello" | contains "h" }}',
])
many("quote", [
    '{{ quote "a" }}', '{{ quote "a\\"b" }}', '{{ quote 1 2.5 true }}', '{{ quote nil }}', '{{ quote }}',
    '{{ quote .Values.nil "x" }}', '{{ quote .Values.i .Values.i64 .Values.f .Values.big }}',
    '{{ quote .Values.l }}', '{{ quote .Values.m }}', '{{ quote "tab\\there" }}', '{{ quote "é\\u0001" }}',
    '{{ squote "a" }}', '{{ squote 1 "b" nil }}', '{{ squote .Values.l }}', '{{ squote .Values.f .Values.big }}',
    '{{ squote "it\'s" }}', '{{ .Values.missing | quote }}', '{{ .Values.missing | squote }}',
], V)
many("cat", ['{{ cat "a" "b" "c" }}', '{{ cat "a" nil "b" }}', '{{ cat 1 2.5 true }}', '{{ cat }}',
             '{{ cat .Values.l .Values.m }}', '{{ cat .Values.nil }}', '{{ cat "" "" }}'], V)
many("indent", [
    '{{ indent 2 "a\\nb" }}', '{{ nindent 4 "a\\nb\\n" }}', '{{ indent 0 "x" }}', '{{ indent 2 "" }}',
    '{{ indent -1 "x" }}', '{{ "a\\n\\nb" | indent 3 }}', '{{ nindent 2 "" }}',
])
many("replace", ['{{ replace "a" "b" "banana" }}', '{{ replace "" "-" "abc" }}', '{{ replace "an" "" "banana" }}',
                 '{{ "a.b.c" | replace "." "/" }}'])
many("plural", ['{{ plural "one" "many" 1 }}', '{{ plural "one" "many" 0 }}', '{{ plural "one" "many" -1 }}',
                '{{ plural "one" "many" 2 }}'])
many("tostring", [
    '{{ toString 1 }}', '{{ toString 2.5 }}', '{{ toString .Values.big }}', '{{ toString true }}',
    '{{ toString nil }}', '{{ toString .Values.l }}', '{{ toString .Values.m }}', '{{ toString "s" }}',
    '{{ toString .Values.i64 | typeOf }}', '{{ toString .Values.nums }}',
], V)
many("split", [
    '{{ split "," "a,b,c" }}', '{{ (split "," "a,b,c")._1 }}', '{{ split "" "abc" }}', '{{ split "," "" }}',
    '{{ splitList "," "a,b,c" }}', '{{ splitList "," "a,b,c" | typeOf }}', '{{ splitList "" "héllo" }}',
    '{{ splitList "," "" | len }}', '{{ splitn "," 2 "a,b,c" }}', '{{ splitn "," 0 "a,b,c" }}',
    '{{ splitn "," -1 "a,b,c" }}', '{{ splitn "" 2 "abc" }}', '{{ split "," "a,b" | typeOf }}',
    '{{ range $k, $v := split "." "x.y.z" }}{{ $k }}={{ $v }};{{ end }}', '{{ index (splitList "/" "a/b") 1 }}',
])
many("tostrings", [
    '{{ toStrings .Values.nums }}', '{{ toStrings .Values.mixed }}', '{{ toStrings "x" }}', '{{ toStrings nil | len }}',
    '{{ toStrings 5 }}', '{{ toStrings .Values.m }}', '{{ toStrings (splitList "," "a,b") }}',
    '{{ toStrings .Values.nums | typeOf }}', '{{ toStrings (list 1 nil 2) | len }}', '{{ toStrings (until 3) }}',
], V)
many("join", [
    '{{ join "-" .Values.l }}', '{{ join "," .Values.mixed }}', '{{ join "," "single" }}', '{{ join "," nil }}',
    '{{ join ", " (list 1 2.5 true) }}', '{{ .Values.nums | join "+" }}', '{{ join "" (until 4) }}',
    '{{ join "," .Values.el }}', '{{ join "," .Values.m }}',
], V)
many("sortalpha", [
    '{{ sortAlpha (list "b" "a" "C") }}', '{{ sortAlpha .Values.nums }}', '{{ sortAlpha "x" }}',
    '{{ sortAlpha (list 10 9 100) }}', '{{ sortAlpha .Values.el }}', '{{ sortAlpha .Values.mixed }}',
    '{{ sortAlpha .Values.m }}', '{{ sortAlpha nil }}',
], V)
many("hello", ['{{ hello }}'])

# ---- conversions ----
many("atoi", ['{{ atoi "42" }}', '{{ atoi "-7" }}', '{{ atoi "+3" }}', '{{ atoi "0x1F" }}', '{{ atoi "4.5" }}',
              '{{ atoi "" }}', '{{ atoi " 1" }}', '{{ atoi "99999999999999999999" }}', '{{ atoi "12" | typeOf }}'])
INT_INPUTS = ['1', '"42"', '"-42"', '"0x1F"', '"0o17"', '"017"', '"0b101"', '"1_000"', '"12.000"', '"12.5"',
              '"abc"', '""', 'true', 'false', 'nil', '2.9', '-2.9', '.Values.i', '.Values.i64', '.Values.f',
              '.Values.neg', '.Values.big', '.Values.l', '.Values.m', '"9223372036854775807"',
              '"9223372036854775808"', '" 5"', '"+5"', '"1e3"', '"0x"']
for fn in ["int", "int64", "float64"]:
    many(fn, [f'{{{{ {fn} {x} }}}}' for x in INT_INPUTS] + [f'{{{{ {fn} 1 | typeOf }}}}'], V)
many("float64x", ['{{ float64 "1.5e3" }}', '{{ float64 "inf" }}', '{{ float64 "-Infinity" }}', '{{ float64 "NaN" }}',
                  '{{ float64 "1e400" }}', '{{ float64 "0x1p-2" }}', '{{ float64 ".5" }}', '{{ float64 "5." }}'])
many("todecimal", ['{{ toDecimal "0777" }}', '{{ toDecimal "777" }}', '{{ toDecimal 777 }}', '{{ toDecimal "8" }}',
                   '{{ toDecimal "-17" }}', '{{ toDecimal .Values.f }}', '{{ toDecimal true }}',
                   '{{ toDecimal "0o17" }}', '{{ toDecimal 10.0 }}'], V)
many("seq", ['{{ seq 5 }}', '{{ seq -3 }}', '{{ seq 0 }}', '{{ seq 2 6 }}', '{{ seq 6 2 }}', '{{ seq 0 2 10 }}',
             '{{ seq 10 -3 0 }}', '{{ seq 10 3 0 }}', '{{ seq 1 0 3 }}', '{{ seq }}', '{{ seq 1 2 3 4 }}',
             '{{ seq 1 | typeOf }}'])
many("until", ['{{ until 5 }}', '{{ until -3 }}', '{{ until 0 }}', '{{ until 3 | typeOf }}',
               '{{ untilStep 0 10 3 }}', '{{ untilStep 10 0 -4 }}', '{{ untilStep 0 10 0 }}', '{{ untilStep 0 10 -1 }}',
               '{{ untilStep 5 5 1 }}', '{{ range until 3 }}{{ . }}{{ end }}', '{{ index (until 4) 2 }}'])

# ---- math ----
NUMS = ['1', '"3"', '2.7', '.Values.i', '.Values.i64', '.Values.f', '.Values.neg', 'nil', '"x"', 'true', '.Values.big']
many("add", ['{{ add 1 2 }}', '{{ add }}', '{{ add 1 }}', '{{ add "2" "0x10" 3.9 }}', '{{ add .Values.i .Values.i64 .Values.f }}',
             '{{ add 1 2 | typeOf }}', '{{ add 9223372036854775807 1 }}', '{{ add .Values.l 1 }}', '{{ add1 5 }}',
             '{{ add1 "7" }}', '{{ add1 .Values.f }}', '{{ add1 nil }}'] + [f'{{{{ add {x} 10 }}}}' for x in NUMS], V)
many("sub", ['{{ sub 5 3 }}', '{{ sub 3 5 }}', '{{ sub "10" 2.5 }}', '{{ sub .Values.f .Values.neg }}', '{{ sub nil 1 }}'], V)
many("mul", ['{{ mul 2 3 }}', '{{ mul 2 }}', '{{ mul 2 3 4 }}', '{{ mul "3" 2.9 }}', '{{ mul .Values.f 4 }}'], V)
many("div", ['{{ div 7 2 }}', '{{ div -7 2 }}', '{{ div 7 0 }}', '{{ div "9" "3" }}', '{{ div 7.9 2 }}',
             '{{ mod 7 3 }}', '{{ mod -7 3 }}', '{{ mod 7 0 }}', '{{ mod 7.5 2 }}', '{{ div 1 .Values.f }}'], V)
many("max", ['{{ max 1 5 3 }}', '{{ max 1 }}', '{{ max -1 -5 }}', '{{ max "7" 3.9 }}', '{{ biggest 1 9 2 }}',
             '{{ min 1 5 3 }}', '{{ min 4 }}', '{{ min "-2" 3 }}', '{{ min .Values.f .Values.i }}', '{{ max 1 2 | typeOf }}'], V)
many("maxf", ['{{ maxf 1 2.5 2 }}', '{{ maxf 1.5 }}', '{{ maxf "3.5" 1 }}', '{{ minf 1 2.5 -0.5 }}', '{{ minf "x" 1 }}',
              '{{ maxf 1 2 | typeOf }}', '{{ minf .Values.f .Values.neg }}', '{{ maxf nil -1 }}'], V)
many("floor", ['{{ floor 1.5 }}', '{{ floor -1.5 }}', '{{ floor "3.7" }}', '{{ floor 3 }}', '{{ ceil 1.1 }}',
               '{{ ceil -1.1 }}', '{{ ceil "2" }}', '{{ ceil 2 | typeOf }}', '{{ floor .Values.big }}'], V)
many("round", ['{{ round 3.14159 2 }}', '{{ round 2.5 0 }}', '{{ round -2.5 0 }}', '{{ round 2.45 1 }}',
               '{{ round 123.555555 3 }}', '{{ round 1.26 1 0.7 }}', '{{ round "3.7" 0 }}', '{{ round 1234.5 -2 }}',
               '{{ round 5 2 }}', '{{ round 0.1 2 }}'])
many("addf", ['{{ addf 1.1 2.2 }}', '{{ addf 0.1 0.2 }}', '{{ addf }}', '{{ addf 1 "2.5" }}', '{{ addf 1 2 | typeOf }}',
              '{{ add1f 1.5 }}', '{{ add1f "x" }}', '{{ subf 5.5 1.1 }}', '{{ subf 1 }}', '{{ subf 1 0.9 }}',
              '{{ mulf 1.1 3 }}', '{{ mulf 0.1 0.1 0.1 }}', '{{ mulf 2 }}', '{{ divf 10 4 }}', '{{ divf 1 3 }}',
              '{{ divf 2 3 }}', '{{ divf 1 0 }}', '{{ divf 10 4 2 }}', '{{ divf -1 3 }}', '{{ divf 100 7 }}',
              '{{ addf 1e20 1 }}', '{{ mulf 123456789.123 987654321.987 }}', '{{ addf .Values.f .Values.i }}'], V)

# ---- defaults ----
many("default", [
    '{{ default "d" "" }}', '{{ default "d" "x" }}', '{{ default "d" 0 }}', '{{ default "d" 1 }}', '{{ default "d" false }}',
    '{{ default "d" nil }}', '{{ default "d" .Values.el }}', '{{ default "d" .Values.em }}', '{{ default "d" .Values.l }}',
    '{{ default "d" .Values.missing }}', '{{ .Values.missing | default "dd" }}', '{{ .Values.e | default "de" }}',
    '{{ .Values.no | default true }}', '{{ .Values.f | default 1 }}', '{{ default "d" }}', '{{ default 5 .Values.i }}',
    '{{ default "d" 0.0 }}', '{{ default "d" .Values.m.c }}', '{{ default "d" (list) }}', '{{ default "d" (dict) }}',
], V)
many("empty", [
    '{{ empty "" }}', '{{ empty "x" }}', '{{ empty 0 }}', '{{ empty 1 }}', '{{ empty 0.0 }}', '{{ empty nil }}',
    '{{ empty false }}', '{{ empty true }}', '{{ empty .Values.el }}', '{{ empty .Values.em }}', '{{ empty .Values.m }}',
    '{{ empty .Values.missing }}', '{{ empty (list) }}', '{{ empty (rest (list)) }}', '{{ empty .Values.i64 }}',
], V)
many("coalesce", ['{{ coalesce 0 "" "x" }}', '{{ coalesce nil false }}', '{{ coalesce }}', '{{ coalesce .Values.missing .Values.s }}',
                  '{{ coalesce .Values.el .Values.l }}', '{{ all 1 "x" true }}', '{{ all 1 "" }}', '{{ all }}',
                  '{{ any 0 "" nil }}', '{{ any 0 "x" }}', '{{ any }}', '{{ any .Values.em .Values.el }}'], V)
many("ternary", ['{{ ternary "y" "n" true }}', '{{ ternary "y" "n" false }}', '{{ true | ternary 1 2 }}',
                 '{{ ternary .Values.l .Values.m .Values.t }}', '{{ ternary "y" "n" 1 }}'], V)

# ---- JSON (Sprig's) ----
many("json", [
    '{{ mustToJson .Values.m }}', '{{ mustToJson .Values.mixed }}', '{{ mustToJson "<a&b>" }}', '{{ toRawJson "<a&b>" }}',
    '{{ mustToRawJson .Values.m }}', '{{ toPrettyJson .Values.m }}', '{{ toPrettyJson .Values.el }}', '{{ toPrettyJson .Values.em }}',
    '{{ mustToPrettyJson (list 1 (dict "a" (list))) }}', '{{ toPrettyJson nil }}', '{{ mustToJson .Values.big }}',
    '{{ mustToJson (splitList "," "a,b") }}', '{{ mustToJson (split "," "a,b") }}', '{{ mustToJson (until 3) }}',
    '{{ mustToJson (rest (list)) }}', '{{ mustToJson "\\u2028\\t\\u0001" }}', '{{ toRawJson (dict "k" "<>") }}',
    '{{ mustToJson 1.5 }}', '{{ mustToJson (float64 "NaN") }}', '{{ toPrettyJson (float64 "NaN") }}',
    '{{ toRawJson (float64 "+Inf") }}', '{{ mustToJson (semver "1.2.3") }}',
    '{{ mustFromJson "{\\"a\\": [1, 2.5, \\"x\\", null, true]}" }}', '{{ (mustFromJson "{\\"a\\": 1}").a | typeOf }}',
    '{{ mustFromJson "[1,2]" }}', '{{ mustFromJson "\\"s\\"" }}', '{{ mustFromJson "{bad" }}', '{{ mustFromJson "" }}',
    '{{ mustFromJson "null" }}',
], V)

# ---- lists ----
many("list", ['{{ list 1 "a" 2.5 nil }}', '{{ list }}', '{{ list | typeOf }}', '{{ tuple 1 2 }}', '{{ list .Values.l .Values.m }}',
              '{{ len (list 1 2 3) }}', '{{ index (list "a" "b") 1 }}'], V)
for fn in ["append", "push", "mustAppend", "mustPush"]:
    many(fn, [f'{{{{ {fn} .Values.l "d" }}}}', f'{{{{ {fn} .Values.el 1 }}}}', f'{{{{ {fn} "x" 1 }}}}',
              f'{{{{ {fn} nil 1 }}}}', f'{{{{ {fn} (splitList "," "a,b") "c" | typeOf }}}}',
              f'{{{{ $l := list 1 }}}}{{{{ $_ := {fn} $l 2 }}}}{{{{ $l }}}}'], V)
many("prepend", ['{{ prepend .Values.l "z" }}', '{{ prepend .Values.el 0 }}', '{{ prepend .Values.m 1 }}',
                 '{{ mustPrepend (until 2) 9 }}', '{{ mustPrepend 5 1 }}'], V)
for fn in ["first", "last", "rest", "initial", "reverse", "uniq", "compact"]:
    many(fn, [f'{{{{ {fn} .Values.l }}}}', f'{{{{ {fn} .Values.el }}}}', f'{{{{ {fn} .Values.mixed }}}}',
              f'{{{{ {fn} "str" }}}}', f'{{{{ {fn} nil }}}}', f'{{{{ {fn} (until 4) }}}}', f'{{{{ {fn} .Values.m }}}}',
              f'{{{{ {fn} .Values.el | typeOf }}}}'], V)
    must = "must" + fn[0].upper() + fn[1:]
    many(must, [f'{{{{ {must} .Values.nums }}}}', f'{{{{ {must} 42 }}}}', f'{{{{ {must} (list 1 1 "" 0 2 nil) }}}}'], V)
many("uniqx", ['{{ uniq (list 1 1 "1" 1.0 (list 1) (list 1) (dict "a" 1) (dict "a" 1)) }}',
               '{{ uniq (list .Values.i .Values.i64 5) }}'], V)
many("without", ['{{ without .Values.l "b" }}', '{{ without .Values.nums 1 2 }}', '{{ without .Values.l }}',
                 '{{ without "x" 1 }}', '{{ without (list 1 (list 2) 3) (list 2) }}', '{{ mustWithout .Values.mixed 1 nil }}'], V)
many("has", ['{{ has "b" .Values.l }}', '{{ has "z" .Values.l }}', '{{ has 1 .Values.nums }}', '{{ has 1 .Values.mixed }}',
             '{{ has 1.0 .Values.mixed }}', '{{ has nil .Values.mixed }}', '{{ has 1 nil }}', '{{ has 1 "str" }}',
             '{{ mustHas 1 (until 3) }}', '{{ mustHas 1 5 }}', '{{ .Values.l | has "c" }}', '{{ has (list 1) (list (list 1)) }}'], V)
many("slice", ['{{ slice .Values.l 1 }}', '{{ slice .Values.l 1 2 }}', '{{ slice .Values.l }}', '{{ slice .Values.l 0 0 }}',
               '{{ slice .Values.l 2 1 }}', '{{ slice .Values.l 0 9 }}', '{{ slice .Values.el 0 1 }}', '{{ slice "str" 1 }}',
               '{{ mustSlice (until 5) 1 3 }}', '{{ slice (until 5) 1 3 | typeOf }}', '{{ slice (splitList "," "a,b,c") 1 | typeOf }}',
               '{{ slice .Values.l "1" 2.9 }}', '{{ slice .Values.l -1 }}'], V)
many("concat", ['{{ concat .Values.l .Values.nums }}', '{{ concat }}', '{{ concat .Values.el .Values.el }}',
                '{{ concat .Values.l "x" }}', '{{ concat (until 2) (splitList "," "a,b") }}', '{{ concat .Values.l nil }}',
                '{{ concat | typeOf }}'], V)
many("chunk", ['{{ chunk 2 .Values.l }}', '{{ chunk 3 (until 7) }}', '{{ chunk 5 .Values.l }}', '{{ chunk 1 .Values.el }}',
               '{{ chunk 0 .Values.l }}', '{{ chunk -1 .Values.l }}', '{{ chunk 2 "x" }}', '{{ mustChunk 2 (until 4) | typeOf }}',
               '{{ range chunk 2 .Values.l }}[{{ join "," . }}]{{ end }}'], V)

# ---- dicts ----
many("dict", ['{{ dict "a" 1 "b" "two" }}', '{{ dict }}', '{{ dict "a" }}', '{{ dict 1 2 true 3 nil 4 }}',
              '{{ dict "a" 1 "a" 2 }}', '{{ dict "k" .Values.l | typeOf }}', '{{ (dict "x" 5).x }}',
              '{{ dict "z" 1 "a" 2 "m" 3 }}'], V)
many("get", ['{{ get .Values.m "a" }}', '{{ get .Values.m "zz" }}', '{{ get .Values.m "zz" | typeOf }}', '{{ get .Values.em "a" }}',
             '{{ get nil "a" }}', '{{ get .Values.m "c" }}', '{{ get .Values.l "a" }}', '{{ get (dict "n" nil) "n" }}'], V)
many("set", [
    '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }}', '{{ set (dict) "k" "v" }}', '{{ set (dict "k" 1) "k" 2 }}',
    '{{ $_ := set .Values.m "new" 1 }}{{ .Values.m }}', '{{ $x := .Values.m.c }}{{ $_ := set $x "e" 2 }}{{ .Values.m.c }}',
    '{{ set nil "a" 1 }}', '{{ set .Values.l "a" 1 }}', '{{ $d := dict }}{{ range until 3 }}{{ $_ := set $d (toString .) . }}{{ end }}{{ $d }}',
    '{{ $d := dict }}{{ $e := set $d "a" 1 }}{{ $_ := set $e "b" 2 }}{{ $d }}', '{{ set (dict) "k" nil }}',
    '{{ $d := dict "a" (dict "b" 1) }}{{ $_ := set $d.a "c" 2 }}{{ $d }}',
], V)
many("unset", ['{{ $d := dict "a" 1 "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}', '{{ unset (dict "a" 1) "zz" }}', '{{ unset nil "a" }}',
               '{{ $_ := unset .Values.m "a" }}{{ .Values.m }}', '{{ unset (dict) "a" | len }}'], V)
many("haskey", ['{{ hasKey .Values.m "a" }}', '{{ hasKey .Values.m "zz" }}', '{{ hasKey (dict "n" nil) "n" }}', '{{ hasKey nil "a" }}',
                '{{ hasKey .Values.em "" }}'], V)
many("pluck", ['{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', '{{ pluck "a" }}', '{{ pluck "a" .Values.m .Values.em }}',
               '{{ pluck "zz" .Values.m | typeOf }}', '{{ pluck "a" (dict "a" nil) }}'], V)
many("keys", ['{{ keys (dict "a" 1) }}', '{{ keys .Values.m | sortAlpha }}', '{{ keys }}', '{{ keys .Values.em | typeOf }}',
              '{{ keys (dict "b" 1) (dict "a" 2) | sortAlpha }}', '{{ keys nil | len }}'], V)
many("values", ['{{ values (dict "a" 1) }}', '{{ values .Values.em }}', '{{ values (dict "a" "x" "b" "x") }}',
                '{{ values .Values.em | typeOf }}'], V)
many("pick", ['{{ pick .Values.m "a" "c" }}', '{{ pick .Values.m }}', '{{ pick .Values.m "zz" }}', '{{ pick nil "a" }}',
              '{{ omit .Values.m "a" }}', '{{ omit .Values.m }}', '{{ omit .Values.m "a" "b" "c" }}', '{{ omit nil "a" }}',
              '{{ $p := pick .Values.m "c" }}{{ $_ := set $p.c "x" 1 }}{{ .Values.m.c }}'], V)
many("merge", [
    '{{ merge (dict "a" 1) (dict "a" 2 "b" 3) }}',
    '{{ mergeOverwrite (dict "a" 1) (dict "a" 2 "b" 3) }}',
    '{{ merge (dict "a" "" "b" 0 "c" false "d" nil) (dict "a" "x" "b" 1 "c" true "d" "y") }}',
    '{{ mergeOverwrite (dict "a" "x" "b" 1 "c" true) (dict "a" "" "b" 0 "c" false) }}',
    '{{ merge (dict "a" (dict "x" 1)) (dict "a" (dict "x" 2 "y" 3)) }}',
    '{{ mergeOverwrite (dict "a" (dict "x" 1)) (dict "a" (dict "x" 2 "y" 3)) }}',
    '{{ merge (dict "a" "s") (dict "a" (dict "x" 1)) }}', '{{ mergeOverwrite (dict "a" "s") (dict "a" (dict "x" 1)) }}',
    '{{ merge (dict "a" (dict "x" 1)) (dict "a" "s") }}', '{{ mergeOverwrite (dict "a" (dict "x" 1)) (dict "a" "s") }}',
    '{{ merge (dict "l" (list 1)) (dict "l" (list 2 3)) }}', '{{ mergeOverwrite (dict "l" (list 1)) (dict "l" (list 2 3)) }}',
    '{{ merge (dict "l" (list)) (dict "l" (list 2)) }}', '{{ mergeOverwrite (dict "l" (list 1)) (dict "l" (list)) }}',
    '{{ merge (dict) (dict "l" (list 2)) }}', '{{ merge (dict "x" 1) (dict "l" (list 2)) }}',
    '{{ merge (dict "a" 1) (dict "a" nil) }}', '{{ mergeOverwrite (dict "a" 1) (dict "a" nil) }}',
    '{{ merge (dict "a" 1) (dict "b" 2) (dict "c" 3 "a" 9) }}', '{{ mergeOverwrite (dict "a" 1) (dict "a" 2) (dict "a" 3) }}',
    '{{ $d := dict "a" 1 }}{{ $_ := merge $d (dict "b" 2) }}{{ $d }}',
    '{{ $d := dict "a" 1 }}{{ $_ := mergeOverwrite $d (dict "a" 2) }}{{ $d }}',
    '{{ merge nil (dict "a" 1) }}', '{{ merge (dict "a" 1) }}', '{{ mustMerge (dict "a" 1) (dict "b" 2) }}',
    '{{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }}', '{{ merge (dict) .Values.m .Values.em }}',
    '{{ $m := merge (dict) .Values.m }}{{ $_ := set $m.c "z" 1 }}{{ .Values.m.c }}',
    '{{ $s := dict "n" (dict "k" 1) }}{{ $d := merge (dict) $s }}{{ $_ := set $d.n "k2" 2 }}{{ $s }}',
    '{{ merge (dict "a" (dict)) (dict "a" (dict "b" 1)) }}', '{{ mergeOverwrite (dict "a" (dict)) (dict "a" (dict)) }}',
    '{{ merge (dict "a" 0.0) (dict "a" 2.5) }}', '{{ merge "x" (dict) }}', '{{ merge (dict) "x" }}',
    '{{ $d := dict "a" 1 }}{{ merge $d $d }}', '{{ merge (dict "a" (dict "b" (dict "c" 1))) (dict "a" (dict "b" (dict "d" 2))) }}',
    '{{ mergeOverwrite .Values.m (dict "a" 100) }}{{ .Values.m.a }}',
], V)
many("dig", ['{{ dig "c" "d" "def" .Values.m }}', '{{ dig "c" "zz" "def" .Values.m }}', '{{ dig "a" "def" .Values.m }}',
             '{{ dig "zz" "def" .Values.m }}', '{{ dig "a" "x" "def" .Values.m }}', '{{ dig "a" .Values.m }}',
             '{{ dig "a" "d" "x" }}', '{{ dig 1 "d" .Values.m }}', '{{ dig "a" "d" nil }}', '{{ dig "c" "def" .Values.m | typeOf }}',
             '{{ .Values.m | dig "b" "def" }}'], V)
many("deepcopy", ['{{ deepCopy .Values.m }}', '{{ $c := deepCopy .Values.m }}{{ $_ := set $c.c "z" 1 }}{{ .Values.m.c }}|{{ $c.c }}',
                  '{{ deepCopy .Values.l }}', '{{ deepCopy 5 }}', '{{ deepCopy "s" | typeOf }}', '{{ deepCopy nil }}',
                  '{{ mustDeepCopy .Values.nums }}', '{{ deepCopy (until 3) | typeOf }}'], V)

# ---- regex ----
many("regexmatch", ['{{ regexMatch "^[a-z]+$" "hello" }}', '{{ regexMatch "^[a-z]+$" "Hello" }}', '{{ regexMatch "(" "x" }}',
                    '{{ mustRegexMatch "(" "x" }}', '{{ regexMatch "\\\\d+" "a12" }}', '{{ regexMatch "^\\\\w+$" "héllo" }}',
                    '{{ regexMatch "(?i)HELLO" "hello" }}', '{{ mustRegexMatch "a.c" "abc" }}', '{{ regexMatch "" "" }}'])
many("regexfind", ['{{ regexFind "[0-9]+" "abc123def456" }}', '{{ regexFind "x" "abc" }}', '{{ regexFind "[" "abc" }}',
                   '{{ mustRegexFind "[" "abc" }}', '{{ mustRegexFind "b+" "abbbc" }}', '{{ regexFind "a*" "baaa" }}'])
many("regexfindall", ['{{ regexFindAll "[0-9]+" "a1b22c333" -1 }}', '{{ regexFindAll "[0-9]+" "a1b22c333" 2 }}',
                      '{{ regexFindAll "[0-9]+" "a1b22c333" 0 }}', '{{ regexFindAll "x" "abc" -1 }}', '{{ regexFindAll "x" "abc" -1 | typeOf }}',
                      '{{ regexFindAll "a*" "baaab" -1 }}', '{{ regexFindAll "" "abc" -1 }}', '{{ mustRegexFindAll ")" "x" 1 }}',
                      '{{ regexFindAll "*" "x" 1 }}', '{{ regexFindAll "\\\\b\\\\w" "hello big world" -1 }}'])
many("regexreplace", [
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}',
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$$1" }}', '{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "John Smith" "$last, $first" }}',
    '{{ regexReplaceAll "a*" "baaac" "X" }}', '{{ regexReplaceAll "" "abc" "-" }}', '{{ regexReplaceAll "[" "x" "y" }}',
    '{{ mustRegexReplaceAll "[" "x" "y" }}', '{{ regexReplaceAll "(a)(b)?" "ab a" "[$2]" }}', '{{ regexReplaceAll "x" "abc" "y" }}',
    '{{ regexReplaceAll "(\\\\d)" "a1b2" "${1}0${9}" }}', '{{ regexReplaceAll "b" "abc" "$" }}', '{{ regexReplaceAll "b" "abc" "${1" }}',
    '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}', '{{ regexReplaceAllLiteral "a*" "baaac" "$" }}',
    '{{ mustRegexReplaceAllLiteral "(" "x" "y" }}', '{{ regexReplaceAllLiteral "(" "x" "y" }}',
    '{{ regexReplaceAll "[^a-z0-9-]" "My_App.Name" "-" | lower }}', '{{ regexReplaceAll "\\\\s+" "a  b\\t c" " " }}',
    '{{ regexReplaceAll "(?m)^" "a\\nb" "> " }}',
])
many("regexsplit", ['{{ regexSplit "z+" "pizza" -1 }}', '{{ regexSplit "z+" "pizza" 0 }}', '{{ regexSplit "z+" "pizza" 1 }}',
                    '{{ regexSplit "" "abc" -1 }}', '{{ regexSplit "a" "" -1 }}', '{{ regexSplit "," "a,b,,c" 2 }}',
                    '{{ regexSplit "z+" "pizza" 0 | typeOf }}', '{{ mustRegexSplit "(" "x" -1 }}', '{{ regexSplit "a*" "baaac" -1 }}',
                    '{{ regexSplit "x*" "axbxc" -1 }}'])
many("regexquotemeta", ['{{ regexQuoteMeta "1.2.3" }}', '{{ regexQuoteMeta "[a]{b}(c)|^$*+?\\\\" }}', '{{ regexQuoteMeta "" }}'])
many("regexerr", ['{{ mustRegexMatch "a**" "" }}', '{{ mustRegexMatch "*a" "" }}', '{{ mustRegexMatch "a)" "" }}',
                  '{{ mustRegexMatch "\\\\q" "" }}', '{{ mustRegexMatch "a\\\\" "" }}', '{{ mustRegexMatch "(?=a)" "" }}',
                  '{{ mustRegexMatch "[a" "" }}', '{{ mustRegexMatch "a{2000}" "" }}', '{{ mustRegexMatch "a{2}" "aa" }}',
                  '{{ mustRegexMatch "x{,2}" "x{,2}" }}', '{{ mustRegexMatch "(a|+)" "" }}', '{{ mustRegexMatch "a+*" "" }}',
                  '{{ mustRegexMatch "[[:alpha:]]+" "abc" }}', '{{ mustRegexMatch "\\\\pL+" "héllo" }}', '{{ mustRegexMatch "[a-" "" }}'])

# ---- reflection ----
TYPED = ['1', '"s"', '2.5', 'true', 'nil', '.Values.i', '.Values.i64', '.Values.f', '.Values.l', '.Values.m', '.Values.missing',
         '(list)', '(dict)', '(splitList "," "a")', '(until 2)', '(split "," "a")', '(semver "1.2.3")', '(chunk 1 (list 1))',
         '(atoi "1")', '(toDecimal "1")', '.Values.nil']
many("typeof", [f'{{{{ typeOf {x} }}}}' for x in TYPED], V)
many("kindof", [f'{{{{ kindOf {x} }}}}' for x in TYPED], V)
many("typeis", ['{{ typeIs "int" 1 }}', '{{ typeIs "int64" .Values.i64 }}', '{{ typeIs "string" 1 }}', '{{ typeIsLike "semver.Version" (semver "1.0.0") }}',
                '{{ typeIsLike "int" 1 }}', '{{ typeIsLike "float64" .Values.f }}', '{{ kindIs "slice" .Values.l }}', '{{ kindIs "map" .Values.m }}',
                '{{ kindIs "int" .Values.i64 }}', '{{ kindIs "invalid" nil }}', '{{ kindIs "ptr" (semver "1.0.0") }}', '{{ typeIs "<nil>" nil }}'], V)
many("deepequal", ['{{ deepEqual 1 1 }}', '{{ deepEqual 1 "1" }}', '{{ deepEqual .Values.i .Values.i64 }}', '{{ deepEqual .Values.l (list "a" "b" "c") }}',
                   '{{ deepEqual .Values.m .Values.m }}', '{{ deepEqual (dict "a" 1) (dict "a" 1) }}', '{{ deepEqual (dict "a" 1) (dict "a" 2) }}',
                   '{{ deepEqual nil nil }}', '{{ deepEqual (list) .Values.el }}', '{{ deepEqual (splitList "," "a") (list "a") }}',
                   '{{ deepEqual (rest (list)) (list) }}', '{{ deepEqual 2.5 .Values.f }}'], V)

# ---- encoding ----
many("b64", ['{{ b64enc "hello" }}', '{{ b64enc "" }}', '{{ b64enc "a" }}', '{{ b64enc "ab" }}', '{{ b64enc "héllo wörld" }}',
             '{{ b64dec "aGVsbG8=" }}', '{{ b64dec "aGVsbG8" }}', '{{ b64dec "!!!" }}', '{{ b64dec "" }}', '{{ b64dec "YQ==" }}',
             '{{ b64dec "YQ=" }}', '{{ b64dec "Y===" }}', '{{ b64dec "YWJj\\nZGVm" }}', '{{ b64dec "YQ==YQ==" }}', '{{ b64enc "x" | b64dec }}',
             '{{ b64dec "YWJ" }}', '{{ b64dec "=" }}', '{{ b64dec "YQ=x" }}'])
many("b32", ['{{ b32enc "hello" }}', '{{ b32enc "" }}', '{{ b32enc "a" }}', '{{ b32enc "abcd" }}', '{{ b32dec "NBSWY3DP" }}',
             '{{ b32dec "ME======" }}', '{{ b32dec "ME" }}', '{{ b32dec "me======" }}', '{{ b32dec "MFRGG===" }}', '{{ b32dec "M1======" }}',
             '{{ b32dec "" }}', '{{ b32dec "ME=====" }}', '{{ b32enc "hello" | b32dec }}', '{{ b32dec "MFRA====" }}'])

# ---- paths ----
PATHS = ['""', '"/"', '"a/b/c.txt"', '"/a/b/"', '"a//b/../c/./d"', '"../../x"', '"/../x"', '"file.tar.gz"', '".hidden"',
         '"a/b.c/d"', '"//"', '"./"', '"a/.."']
for fn in ["base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean", "osExt", "osIsAbs"]:
    many(fn, [f'{{{{ {fn} {p} }}}}' for p in PATHS])

# ---- URLs ----
URLS = ['"https://user:pa%20ss@example.com:8080/a/b%20c?q=1&r=2#frag%21"', '"http://example.com"', '"mailto:joe@example.com"',
        '"/relative/path?x"', '"//host.only/p"', '"http://[::1]:80/x"', '"HTTP://Example.COM/"', '"http://a b.com"', '"%zz"',
        '":nope"', '"http://host:port/"', '"a:b/c"', '"http://u@h"', '"?query"', '"#only"', '"http://h/p?"', '"file:///etc/hosts"']
many("urlparse", [f'{{{{ urlParse {u} }}}}' for u in URLS])
many("urljoin", [
    '{{ urlJoin (dict "scheme" "https" "host" "example.com" "path" "/a b" "query" "x=1" "fragment" "f g") }}',
    '{{ urlJoin (dict "scheme" "mailto" "opaque" "joe@example.com") }}', '{{ urlJoin (dict) }}',
    '{{ urlJoin (dict "host" "h" "path" "rel") }}', '{{ urlJoin (dict "path" "a:b") }}', '{{ urlJoin (dict "userinfo" "u:p w" "host" "h") }}',
    '{{ urlJoin (dict "scheme" "http" "host" "h" "port" "80") }}', '{{ urlJoin (dict "host" 5) }}',
    '{{ urlJoin (urlParse "https://user:pass@example.com:8080/a/b?q=1#frag") }}', '{{ urlJoin (dict "scheme" "http" "path" "/x") }}',
    '{{ urlJoin (dict "userinfo" "us%er" "host" "h") }}', '{{ urlJoin (dict "scheme" "s" "host" "h" "query" "") }}',
    '{{ urlJoin (dict "fragment" "a#b?c") }}', '{{ urlJoin (dict "host" nil) }}', '{{ (urlParse "http://h:8/p").hostname }}',
])

# ---- semver ----
many("semver", ['{{ semver "1.2.3" }}', '{{ (semver "1.2.3-beta.1+build").Prerelease }}', '{{ (semver "1.2.3+build").Metadata }}',
                '{{ (semver "v1.2").Major }}', '{{ (semver "1.2.3").Minor }}', '{{ (semver "1.2.3").Patch }}', '{{ (semver "v1.2").Original }}',
                '{{ semver "v1.2" }}', '{{ semver "bad" }}', '{{ semver "" }}', '{{ (semver "1.2.3").Compare (semver "1.3.0") }}',
                '{{ (semver "1.2.3").LessThan (semver "1.3.0") }}', '{{ (semver "2.0.0").GreaterThan (semver "1.3.0") }}',
                '{{ (semver "1.0.0").Equal (semver "1.0") }}', '{{ (semver "1.2.3").Major | typeOf }}', '{{ semver "1.2.3" | toString }}'])
many("semvercompare", ['{{ semverCompare ">=1.2.0" "1.2.3" }}', '{{ semverCompare "^1.2.0" "2.0.0" }}', '{{ semverCompare "~1.2" "1.2.9" }}',
                       '{{ semverCompare ">1.0.0-0" "1.1.0-beta" }}', '{{ semverCompare ">=1.0.0" "1.1.0-beta" }}', '{{ semverCompare "1.x" "1.9.9" }}',
                       '{{ semverCompare "bad constraint!" "1.0.0" }}', '{{ semverCompare ">=1.0" "bad" }}', '{{ semverCompare "<2.0.0 || >3" "3.1" }}',
                       '{{ semverCompare ">=1.21-0" "v1.30.0-gke.100" }}', '{{ semverCompare "" "1.0.0" }}'])

# ---- wrong argument types (Go's reflection conversion) ----
many("argtypes", ['{{ repeat "3" "x" }}', '{{ upper 5 }}', '{{ set "x" "k" 1 }}', '{{ hasKey .Values.l "a" }}', '{{ trunc .Values.i64 "hello" }}',
                  '{{ indent .Values.f "x" }}', '{{ regexFindAll "a" "aaa" "1" }}', '{{ splitn "," .Values.i "a,b,c" }}', '{{ pick .Values.m 1 }}',
                  '{{ upper nil }}', '{{ trunc nil "abc" }}', '{{ get nil nil }}'], V)

# ---- pipelines as charts write them ----
many("charts", [
    '{{ .Values.s | upper | quote }}', '{{ printf "%s-%s" "release" .Values.s | trunc 63 | trimSuffix "-" }}',
    '{{ $name := default "chart" .Values.missing }}{{ $name | lower | trunc 63 }}',
    '{{- range $k, $v := .Values.m }}{{ $k }}: {{ $v | toString | quote }}\n{{ end }}',
    '{{ $list := list }}{{ range .Values.l }}{{ $list = append $list (upper .) }}{{ end }}{{ join "," $list }}',
    '{{ toPrettyJson (dict "labels" (dict "app" "x" "tier" "web")) | nindent 2 }}', '{{ .Values.nums | sortAlpha | join "," }}',
    '{{ if has "b" .Values.l }}yes{{ end }}', '{{ $d := dict }}{{ $_ := set $d "a" (dict) }}{{ $_ := set $d.a "b" 1 }}{{ mustToJson $d }}',
    '{{ regexReplaceAll "[^a-zA-Z0-9]+" (lower "My App v1.2") "-" | trimAll "-" }}', '{{ ternary "on" "off" (empty .Values.e) }}',
    '{{ int (div (mul 3 1024) 2) }}Mi', '{{ semverCompare ">=1.19-0" "1.30.0" | ternary "networking.k8s.io/v1" "extensions/v1beta1" }}',
    '{{ coalesce .Values.missing .Values.e "fallback" }}',
], V)


# ---- harder corners: Unicode, odd numbers, typed values ----
many("xcase", [
    '{{ snakecase "ÉcoleNormale" }}', '{{ snakecase "naïveTest" }}', '{{ snakecase "日本語Text" }}', '{{ snakecase "ABC123def" }}',
    '{{ snakecase "a.b-c_d e" }}', '{{ snakecase "JSONData2XML" }}', '{{ snakecase "version 1.2.3" }}', '{{ snakecase "x-Y_z" }}',
    '{{ snakecase "IPv6Address" }}', '{{ snakecase "k8sCluster" }}', '{{ snakecase "Hello, World!" }}', '{{ snakecase "a$b" }}',
    '{{ kebabcase "ÉcoleNormale" }}', '{{ kebabcase "getHTTPResponse" }}', '{{ kebabcase "_under_score_" }}', '{{ kebabcase "--x--" }}',
    '{{ camelcase "école_normale" }}', '{{ camelcase "hello world" }}', '{{ camelcase "HTTP_SERVER_ok" }}', '{{ camelcase "a-b-c" }}',
    '{{ camelcase " x" }}', '{{ camelcase "x " }}', '{{ camelcase "日本_語" }}', '{{ camelcase "123_abc" }}', '{{ camelcase "ABC" }}',
    '{{ title "hello_world" }}', '{{ title "o\'neil mc-donald" }}', '{{ title "ǆemal" }}', '{{ title "123abc" }}', '{{ title "über straße" }}',
    '{{ untitle "École Über" }}', '{{ swapcase "ǅ Straße Ü" }}', '{{ upper "ǆ ß ﬁ" }}', '{{ lower "İSTANBUL Σ" }}',
    '{{ initials "über Ärger" }}', '{{ nospace "a\\u00a0b\\u2003c" }}', '{{ trim "\\u00a0x\\u2003" }}', '{{ trimAll "éa" "éaxéa" }}',
    '{{ wrap 3 "héllo wörld" }}', '{{ wrapWith 2 "\\n" "ééé" }}', '{{ trunc 2 "héllo" }}', '{{ substr 0 2 "héllo" }}',
    '{{ abbrev 5 "héllo wörld" }}', '{{ repeat 2 "é" }}', '{{ sortAlpha (list "b" "á" "a" "B" "Z" "é") }}',
    '{{ quote "\\u00e9\\u200b\\u0007" }}', '{{ quote "\\x7f" }}', '{{ squote "é" }}',
])
many("xnum", [
    '{{ int "0X1f" }}', '{{ int "-0x10" }}', '{{ int "1__0" }}', '{{ int "_1" }}', '{{ int "0b" }}', '{{ int "+0o7" }}', '{{ int "0_7" }}',
    '{{ int "0x_1F" }}', '{{ int "00" }}', '{{ int "-" }}', '{{ int "1.0" }}', '{{ int "1.50" }}', '{{ int ".0" }}', '{{ int "0." }}',
    '{{ int64 "-9223372036854775808" }}', '{{ int64 "-9223372036854775809" }}', '{{ int 1e19 }}', '{{ int64 (float64 "NaN") }}',
    '{{ float64 "1_000.5" }}', '{{ float64 "1e" }}', '{{ float64 "+.5e-3" }}', '{{ float64 "0x1.8p1" }}', '{{ float64 "0X1P+2" }}',
    '{{ float64 "1,000" }}', '{{ float64 "−1" }}', '{{ float64 "Inf" }}', '{{ float64 "+inf" }}', '{{ float64 "nan" }}', '{{ float64 "infinity" }}',
    '{{ float64 "1e308" }}', '{{ float64 "4.9e-324" }}', '{{ float64 "1e-400" }}', '{{ float64 "0.1" | mulf 3 }}',
    '{{ add1 "0x7fffffffffffffff" }}', '{{ atoi "-9223372036854775809" }}', '{{ atoi "٣" }}', '{{ atoi "00012" }}', '{{ atoi "1_0" }}',
    '{{ toDecimal "0o17" }}', '{{ toDecimal "+17" }}', '{{ toDecimal "" }}', '{{ toDecimal nil }}', '{{ toDecimal "7777777777777777777777" }}',
    '{{ mul 4294967296 4294967296 }}', '{{ div -9223372036854775808 -1 }}', '{{ mod -9223372036854775808 -1 }}',
    '{{ addf 0.1 0.2 0.3 }}', '{{ subf 0.3 0.1 }}', '{{ mulf 3 0.1 }}', '{{ divf 0.3 0.1 }}', '{{ divf 1 7 }}', '{{ divf -2 3 }}',
    '{{ divf 1e-20 3 }}', '{{ divf 12345678901234567 3 }}', '{{ addf 1e-10 1e10 }}', '{{ mulf 1e200 1e200 }}', '{{ addf (float64 "NaN") 1 }}',
    '{{ round 2.675 2 }}', '{{ round -0.5 0 }}', '{{ round 1e300 10 }}', '{{ round 0.285 2 }}', '{{ floor "x" }}', '{{ ceil -0.5 }}',
    '{{ maxf 0 -0.0 }}', '{{ minf 0 (float64 "NaN") }}', '{{ maxf (float64 "-Inf") (float64 "NaN") }}',
    '{{ seq 3 3 }}', '{{ seq -2 2 }}', '{{ seq 5 -2 1 }}', '{{ seq 0 0 }}', '{{ seq 1 -1 5 }}', '{{ untilStep -3 3 2 }}',
])
many("xtyped", [
    '{{ append (splitList "," "a,b") 1 | typeOf }}', '{{ has "a" (splitList "," "a,b") }}', '{{ has 1 (until 3) }}', '{{ has 1.0 (until 3) }}',
    '{{ uniq (splitList "," "a,b,a") }}', '{{ without (until 5) 1 3 }}', '{{ first (splitList "," "x,y") | typeOf }}', '{{ last (until 3) | typeOf }}',
    '{{ reverse (splitList "," "a,b") }}', '{{ compact (splitList "," "a,,b") }}', '{{ deepEqual (list 1) (list 1) }}', '{{ deepEqual (list 1) (until 2 | rest) }}',
    '{{ deepEqual .Values.i 5 }}', '{{ deepEqual (atoi "5") 5 }}', '{{ deepEqual (add 1 1) 2 }}', '{{ default "d" (rest (list)) }}', '{{ empty (semver "1.0.0") }}',
    '{{ dict 1.5 "x" true "y" }}', '{{ keys (dict "é" 1 "z" 2 "A" 3) | sortAlpha }}', '{{ dict "a" (list) | mustToJson }}',
    '{{ mustToJson (list 1e21 1e20 1e-7 0.000001 -0.0 123456789.0 (float64 "1e-300")) }}', '{{ mustToJson (dict "é" "ü\\u00e9<" "b" (list (dict))) }}',
    '{{ toPrettyJson (dict "a" (dict "b" (list 1 (list)))) }}', '{{ mustToJson 9223372036854775807 }}', '{{ mustToJson (until 0) }}',
    '{{ b64enc "\\u00ff" }}', '{{ b64dec "/w==" }}', '{{ b64dec "4pyT" }}', '{{ b32dec "74======" }}', '{{ b64dec "YWJjZA" }}',
    '{{ concat (list 1) (until 2) (splitList "," "a") }}', '{{ slice (until 5) 2 }}', '{{ index (slice (splitList "," "a,b,c") 1) 0 }}',
    '{{ chunk 2 (splitList "," "a,b,c") }}', '{{ get (dict "a" (list 1)) "a" | typeOf }}', '{{ pluck "a" (dict "a" (until 2)) }}',
    '{{ $d := dict }}{{ range $i, $v := (list "x" "y") }}{{ $_ := set $d $v $i }}{{ end }}{{ $d }}',
    '{{ $l := list }}{{ range until 3 }}{{ $l = prepend $l . }}{{ end }}{{ $l }}', '{{ ternary (list 1) (dict) false }}',
    '{{ typeOf (float64 1) }}{{ typeOf (int 1.5) }}{{ typeOf (int64 "2") }}{{ typeOf (add1f 1) }}',
    '{{ printf "%T %v" (splitn "," 2 "a,b,c") (splitn "," 2 "a,b,c") }}', '{{ len (split "," "a,b,c") }}', '{{ index (split "," "a,b") "_0" }}',
    '{{ (urlParse "https://h/p").scheme | upper }}', '{{ kindOf (split "," "a") }}', '{{ kindOf (chunk 1 (list 1)) }}',
])
many("xregex", [
    '{{ regexMatch "^\\\\pL+$" "héllo" }}', '{{ regexMatch "(?i)straße" "STRASSE" }}', '{{ regexMatch "(?i)é" "É" }}', '{{ regexFind "\\\\b\\\\w+\\\\b" "été café" }}',
    '{{ regexFindAll "\\\\W+" "a-b c" -1 }}', '{{ regexFindAll "\\\\S+" "a\\u00a0b c" -1 }}', '{{ regexFindAll "." "héé" -1 }}', '{{ regexFindAll "(?s)a.b" "a\\nb" -1 }}',
    '{{ regexReplaceAll "(?<y>\\\\d{4})-(?<m>\\\\d{2})" "2024-05" "${m}/${y}" }}', '{{ regexReplaceAll "\\\\Qa.b\\\\E" "a.b axb" "X" }}',
    '{{ regexFindAll "[[:^alpha:]]" "a1b2" -1 }}', '{{ regexFindAll "[\\\\d\\\\s]" "a1 b" -1 }}', '{{ regexFindAll "[^\\\\w]" "a_1-!" -1 }}',
    '{{ regexFindAll "\\\\A\\\\w" "ab" -1 }}', '{{ regexFindAll "\\\\w\\\\z" "ab" -1 }}', '{{ regexFindAll "x*" "héx" -1 }}', '{{ regexReplaceAll "x*" "héx" "-" }}',
    '{{ regexSplit "" "hé" -1 }}', '{{ regexFindAll "[a-c&&b]" "a&b" -1 }}', '{{ regexFindAll "[a~~b]" "a~b" -1 }}', '{{ regexFindAll "[a-]" "a-" -1 }}',
    '{{ regexReplaceAll "(a)|b" "ab" "[$1]" }}', '{{ regexReplaceAll "a" "aaa" "${0}${0}" }}', '{{ regexReplaceAll "(?U)a+" "aaa" "x" }}',
    '{{ regexMatch "a{1001}" "a" }}', '{{ mustRegexMatch "a{1,1001}" "a" }}', '{{ mustRegexMatch "(?P<n>a)(?P<n>b)" "ab" }}', '{{ mustRegexMatch "\\\\1" "a" }}',
    '{{ mustRegexMatch "[z-a]" "a" }}', '{{ mustRegexMatch "(?P<>a)" "a" }}', '{{ mustRegexMatch "\\\\C" "a" }}', '{{ mustRegexMatch "a{2,1}" "a" }}',
    '{{ mustRegexMatch "(?x) a b" "ab" }}', '{{ mustRegexMatch "[[:foo:]]" "a" }}', '{{ mustRegexMatch "\\\\pX" "a" }}', '{{ mustRegexMatch "x(?" "x" }}',
    '{{ regexQuoteMeta "é.☃" }}', '{{ regexFind "(?m)^b$" "a\\nb\\nc" }}', '{{ regexMatch "\\\\x41" "A" }}', '{{ regexMatch "\\\\101" "A" }}',
])
many("xurl", [
    '{{ urlParse "http://[fe80::1%25en0]:8080/p" }}', '{{ urlParse "https://u%40x:p%3Aw@h/p?q=a%20b#f" }}', '{{ urlParse "http://h/a%2Fb" }}',
    '{{ urlParse "http://h/%" }}', '{{ urlParse "http://h#%zz" }}', '{{ urlParse "http://h:/" }}', '{{ urlParse "http://u:p@" }}',
    '{{ urlParse "HTTPS://H/" }}', '{{ urlParse "h:80" }}', '{{ urlParse "1http://x" }}', '{{ urlParse "http://h?a=1?b=2#x#y" }}',
    '{{ urlParse "http://h\\u0001" }}', '{{ urlParse "http://a@b@c/" }}', '{{ urlParse "http://[::1" }}', '{{ urlParse "///x" }}',
    '{{ urlJoin (dict "scheme" "http" "host" "h" "path" "a/b") }}', '{{ urlJoin (dict "host" "é.com") }}', '{{ urlJoin (dict "path" "/é ?#") }}',
    '{{ urlJoin (dict "fragment" "é !()*#") }}', '{{ urlJoin (dict "userinfo" "u@:x/y" "host" "h") }}', '{{ urlJoin (dict "userinfo" "a:b:c" "host" "h") }}',
    '{{ urlJoin (dict "scheme" "file" "path" "/etc") }}', '{{ urlJoin (dict "query" "a=1") }}',
])
many("xsemver", [
    '{{ semverCompare "^0.2.3" "0.2.9" }}', '{{ semverCompare "^0.2.3" "0.3.0" }}', '{{ semverCompare "~1" "1.9" }}', '{{ semverCompare "!=1.2.3" "1.2.3" }}',
    '{{ semverCompare "1.2.3 - 1.4" "1.4.9" }}', '{{ semverCompare ">= 1.2, < 2" "1.9.9" }}', '{{ semverCompare "*" "1.0.0-alpha" }}',
    '{{ semverCompare "=1.0.0-alpha" "1.0.0-alpha" }}', '{{ semverCompare ">1.0.0-alpha.1" "1.0.0-alpha.beta" }}', '{{ semverCompare "<1.0.0-beta.2" "1.0.0-beta.11" }}',
    '{{ (semver "1.0.0-alpha").Compare (semver "1.0.0") }}', '{{ (semver "1.0.0+a").Equal (semver "1.0.0+b") }}', '{{ semver "01.2.3" }}',
    '{{ semver "1.2.3.4" }}', '{{ semver "v1" | toString }}', '{{ (semver "1.2.3-rc.1").Prerelease | upper }}',
])


# ---- every one-argument function over every kind of value ----
INPUTS = ['1', '-3', '0', '2.5', '0.0', '1e6', '"abc"', '""', '"12"', '"0x10"', '"1.5"', 'true', 'false', 'nil',
          '.Values.i', '.Values.i64', '.Values.f', '.Values.big', '.Values.neg', '.Values.l', '.Values.nums', '.Values.mixed',
          '.Values.el', '.Values.m', '.Values.em', '.Values.missing', '.Values.nil', '(list 1 "a" nil)', '(dict "k" (list 1))',
          '(splitList "," "b,a")', '(until 3)', '(split "," "x,y")', '(semver "1.2.3")', '(rest (list))', '(chunk 2 (list 1 2 3))']
UNARY = ['toString', 'toStrings', 'empty', 'typeOf', 'kindOf', 'int', 'int64', 'float64', 'toDecimal', 'add1', 'floor', 'ceil',
         'first', 'last', 'rest', 'initial', 'reverse', 'uniq', 'compact', 'sortAlpha', 'join ","', 'quote', 'squote', 'cat',
         'default "d"', 'coalesce', 'deepCopy', 'mustToJson', 'toPrettyJson', 'toRawJson', 'has 1', 'list', 'add1f', 'max 2',
         'minf 1', 'any', 'all', 'concat (list 0)', 'append (list 0)', 'without (list 1 "a")', 'ternary "y" "n"', 'slice (list 1 2 3)']
for fn in UNARY:
    group = "u-" + fn.split()[0]
    for x in INPUTS:
        add(group, f'{{{{ {fn} {x} }}}}', V)


# ---- two-argument functions over pairs of values ----
PAIR_INPUTS = ['2', '-1', '0', '1.5', '"3"', '"x"', 'true', 'nil', '.Values.i64', '.Values.big', '.Values.l', '.Values.m',
               '(list 1 2)', '(until 2)']
BINARY = ['add', 'sub', 'mul', 'div', 'mod', 'max', 'min', 'maxf', 'minf', 'addf', 'subf', 'mulf', 'divf', 'default',
          'deepEqual', 'has', 'coalesce', 'concat', 'dict', 'append', 'cat', 'quote']
for fn in BINARY:
    for x in PAIR_INPUTS:
        for y in PAIR_INPUTS:
            add("b-" + fn, f'{{{{ {fn} {x} {y} }}}}', V)


# ---- string functions over pseudo-random strings (fixed seed) ----
def random_strings(count, seed=7):
    import random
    rng = random.Random(seed)
    alphabet = list("aAbBzZ09 _-.,!$") + ["é", "É", "ß", "日", "Σ", "σ", "\t", "\n", "ǅ", "١"]
    out = []
    for _ in range(count):
        n = rng.randint(1, 14)
        out.append("".join(rng.choice(alphabet) for _ in range(n)))
    return out


STRING_FNS = ['snakecase', 'kebabcase', 'camelcase', 'swapcase', 'title', 'untitle', 'initials', 'nospace', 'upper', 'lower',
              'trim', 'wrap 4', 'wrapWith 3 "|"', 'abbrev 6', 'abbrevboth 2 7', 'trunc 5', 'trunc -4', 'quote', 'b64enc', 'b32enc',
              'regexQuoteMeta', 'splitList " "', 'toStrings', 'sortAlpha', 'indent 2', 'replace "a" "-"', 'trimAll "a_"',
              'regexFindAll "[a-z]+" -1 |', 'regexReplaceAll "\\\\W" "x" |', 'typeOf']
for i, text in enumerate(random_strings(40)):
    lit = json.dumps(text, ensure_ascii=False)
    for fn in STRING_FNS:
        if fn.endswith("|"):
            # Functions whose text argument is not the last: `regexFindAll "re" TEXT n`.
            parts = fn[:-1].split(" ")
            if parts[0] == "regexFindAll":
                t = f'{{{{ {parts[0]} {parts[1]} {lit} {parts[2]} }}}}'
            else:
                t = f'{{{{ {parts[0]} {parts[1]} {lit} {parts[2]} }}}}'
        else:
            t = f'{{{{ {fn} {lit} }}}}'
        add("r-" + fn.split()[0], t)


# ---- regexes over inputs ----
PATTERNS = [r"a+", r"a*", r"a*?", r"(a|ab)(c|bcd)(d*)", r"\d+\.?\d*", r"[[:upper:]][a-z]*", r"\bx", r"x\b", r"^", r"$", r"(?m)^\w",
            r"(\w+)=(\w*)", r"[^,]+", r",?", r"é+", r"(?i)É", r".", r"(?s).", r"\s*", r"[\p{Greek}]+", r"(a)|(b)", r"a{2,3}",
            r"a{2,}?", r"(?U)a+", r"\p{Lu}", r"[a\-z]", r"\x{65}", r"[^\x00-\x7f]", r"(?:ab)+", r"a|"]
TEXTS = ["", "aaa", "abcd", "x=1,y=,z=abc", "Hello World", "été ÉTÉ", "a\nb\nxx", "ΣΑΣ σας", "3.14 and 42", "b x xb bx"]
for pat in PATTERNS:
    for text in TEXTS:
        p_, t_ = json.dumps(pat, ensure_ascii=False), json.dumps(text, ensure_ascii=False)
        add("re-findall", f'{{{{ regexFindAll {p_} {t_} -1 }}}}')
        add("re-replace", f'{{{{ regexReplaceAll {p_} {t_} "<${{1}}$0>" }}}}')
        add("re-split", f'{{{{ regexSplit {p_} {t_} -1 }}}}')

# ---- numbers as text ----
NUMBER_TEXTS = ["0", "-0", "+0", "007", "08", "0x", "0xg", "0x7FFFFFFFFFFFFFFF", "0x8000000000000000", "-0x8000000000000000",
                "1e2", "1E2", "1.e2", ".e2", "1_0", "1__0", "0b1_0", "0o_7", "0_o7", " 1", "1 ", "\t1", "١٢٣", "1.0000",
                "1.0001", "00.000", "12.", "1.2.3", "Infinity", "-inf", "+NaN", "nan(0)", "1e-5", "0x1p4", "0x1.p1", "0x.8p1",
                "1e+308", "2e308", "-2e308", "9007199254740993", "123456789012345678901234567890", "-", "+", ".", "e", "1e1_0"]
for text in NUMBER_TEXTS:
    t_ = json.dumps(text, ensure_ascii=False)
    for fn in ["int", "int64", "float64", "atoi", "toDecimal", "add1", "addf 0"]:
        add("n-" + fn.split()[0], f'{{{{ {fn} {t_} }}}}')

# ---- merges of random nested dicts ----
def random_dicts(count, seed=11):
    import random
    rng = random.Random(seed)
    def value(depth):
        r = rng.random()
        if depth < 2 and r < 0.3:
            return tmpl_dict(depth + 1)
        choices = ['""', '"x"', '0', '1', 'false', 'true', 'nil', '(list)', '(list 1)', '(dict)', '2.5', '0.0']
        return rng.choice(choices)
    def tmpl_dict(depth):
        keys = rng.sample(["a", "b", "c", "d"], rng.randint(0, 3))
        return "(dict " + " ".join(f'"{k}" {value(depth)}' for k in keys) + ")"
    return [(tmpl_dict(0), tmpl_dict(0)) for _ in range(count)]


for dst, src in random_dicts(60):
    for fn in ["merge", "mergeOverwrite"]:
        add("m-" + fn, f'{{{{ $d := {dst} }}}}{{{{ $r := {fn} $d {src} }}}}{{{{ mustToJson $d }}}} {{{{ mustToJson $r }}}}')


# ---- semver values from Inc* ----
many("semverinc", ['{{ (semver "1.2.3").IncMajor }}', '{{ (semver "v1.2.3-rc.1+b").IncMinor }}', '{{ (semver "1.2.3-rc.1").IncPatch }}',
                   '{{ (semver "1.2.3+meta").IncPatch }}', '{{ (semver "v1.2.3").IncPatch | typeOf }}', '{{ ((semver "1.2.3").IncMajor).Major }}',
                   '{{ (semver "1.2.3").IncMinor | toString }}', '{{ kindOf ((semver "1.2.3").IncMajor) }}', '{{ (semver "v1.2").IncPatch | mustToJson }}',
                   '{{ ((semver "1.2.3").IncMajor).Original }}', '{{ ((semver "1.2.3").IncMajor).Compare (semver "1.0.0") }}',
                   '{{ (semver "1.2.3").Original | typeOf }}', '{{ printf "%v %s" (semver "1.2.3") (semver "v2") }}'])


# ---- Sprig's own Go types handed to other functions ----
TYPED_VALUES = ['(split "," "a,b")', '(splitList "," "a,b")', '(until 2)', '(chunk 1 (list 1 2))', '(semver "1.2.3")',
                '((semver "1.2.3").IncMajor)', '(regexFindAll "a" "aa" -1)', '(regexSplit "," "" 0)', '(urlParse "http://h")']
# (keys and values list a map in Go's random order; len and index are Go's builtins: both left out.)
TAKERS = ['get {} "_0"', 'hasKey {} "_0"', 'merge (dict) {}', 'pluck "_0" {}', 'set {} "k" 1', 'dig "_0" "" {}',
          'join "," {}', 'toStrings {}', 'first {}', 'empty {}', 'deepCopy {} | typeOf', 'mustToJson {}', 'sortAlpha {}',
          'pick {} "_0"', 'urlJoin {}', 'has "a" {}', 'slice {} 0 1', 'default "d" {}', 'typeIsLike "semver.Version" {}']
for v in TYPED_VALUES:
    for t in TAKERS:
        add("gt-" + t.split()[0], "{{ " + t.format(v) + " }}")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "cases.json"), "w") as f:
        f.write('{"command": "eval", "cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in CASES))
        f.write("\n]}\n")
    print(f"{len(CASES)} cases")


main()
