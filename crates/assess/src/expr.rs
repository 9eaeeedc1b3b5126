//! SurveyJS expressions (the `visibleIf` language): a tokenizer, a recursive-descent parser into
//! an [`Expr`] tree, and an evaluator with SurveyJS's value rules. It sees answers only through a
//! lookup function and knows nothing of templates, scoring or storage.
//!
//! Grammar and semantics follow survey-library's `src/expressions/grammar.pegjs` and
//! `expressions.ts` (`OperandMaker`), lowest precedence first:
//!
//! ```text
//! or        := and (("or" | "||") and)*
//! and       := cmp (("and" | "&&") cmp)*
//! cmp       := add (("=" | "==" | "equal" | "!=" | "<>" | "notequal" | "<" | "<=" | ">" | ">=" ...) add)*
//! add       := mul (("+" | "-") mul)*
//! mul       := pow (("*" | "/" | "%") pow)*
//! pow       := binfn (("^" | "power") binfn)*
//! binfn     := factor (("contains" | "*=" | "notcontains" | "anyof" | "allof") factor?)*
//! factor    := "(" or ")" | ("!" | "negate") or | atom ("empty" | "notempty")? | "[" list "]"
//! atom      := "{" name "}" | 'string' | "string" | number | true | false | null | word
//! ```
//!
//! As in SurveyJS, `!` negates the whole expression that follows it, `contains` binds tighter than
//! arithmetic, and an unquoted word is a string constant. Unlike SurveyJS, a missing closing
//! parenthesis is an error rather than silently accepted, and function calls (`iif(...)`,
//! `age(...)`, ...) are refused when the template is loaded: no questionnaire shipped with
//! Steward uses them.

use std::cmp::Ordering;
use std::fmt;

/// A value as SurveyJS sees it while evaluating an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Const(Value),
    /// `{name}`: the answer to the question (or value) with this name.
    Var(String),
    Array(Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Empty,
    NotEmpty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Plus,
    Minus,
    Mul,
    Div,
    Mod,
    Power,
    Contains,
    NotContains,
    AnyOf,
    AllOf,
}

/// Why an expression could not be parsed: what was expected, at which character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based character position in the expression.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}: {}", self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// The longest expression accepted, in characters: the longest condition of the official AIA
/// questionnaire has 464. A bound keeps a hostile template from costing unbounded memory.
pub const MAX_CHARS: usize = 4_000;
/// The most tokens an expression may have: a chain of `and`s is parsed into a tree as deep as
/// it is long, and evaluating (and dropping) it recurses once per level.
pub const MAX_TOKENS: usize = 1_000;
/// How deeply brackets, parentheses and `!` may nest: each level is a few stack frames.
pub const MAX_DEPTH: usize = 32;

/// Parses a SurveyJS expression. Expressions beyond [`MAX_CHARS`], [`MAX_TOKENS`] or
/// [`MAX_DEPTH`] are refused, so that no template can exhaust the stack or the memory.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let len = src.chars().count();
    if len > MAX_CHARS {
        return Err(ParseError {
            column: MAX_CHARS + 1,
            message: format!(
                "the expression is {len} characters long; at most {MAX_CHARS} are accepted"
            ),
        });
    }
    let tokens = tokenize(src)?;
    if let Some(t) = tokens.get(MAX_TOKENS) {
        return Err(ParseError {
            column: t.at + 1,
            message: format!(
                "the expression has {} parts (values and operators); at most {MAX_TOKENS} are accepted: split the condition",
                tokens.len()
            ),
        });
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        len,
        depth: 0,
    };
    let e = p.or()?;
    match p.peek() {
        None => Ok(e),
        Some(t) => Err(p.error_at(t.at, format!("unexpected {}", t.kind.describe()))),
    }
}

impl Expr {
    /// The names of every `{variable}` the expression reads, in order of appearance.
    pub fn variables(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_variables(&mut out);
        out
    }

    fn collect_variables<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Const(_) => {}
            Expr::Var(name) => out.push(name),
            Expr::Array(items) => items.iter().for_each(|e| e.collect_variables(out)),
            Expr::Unary(_, e) => e.collect_variables(out),
            Expr::Binary(_, l, r) => {
                l.collect_variables(out);
                r.collect_variables(out);
            }
        }
    }

    /// Evaluates the expression; `lookup` gives the raw value of a variable (`Value::Null` when
    /// unanswered). Variable strings are converted as SurveyJS does (`"true"` to a boolean, `"12"`
    /// to a number, ...).
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Value) -> Value {
        match self {
            Expr::Const(v) => v.clone(),
            Expr::Var(name) => match lookup(name) {
                Value::String(s) => convert_string(&s),
                v => v,
            },
            Expr::Array(items) => Value::Array(items.iter().map(|e| e.eval(lookup)).collect()),
            Expr::Unary(op, e) => {
                let v = e.eval(lookup);
                Value::Bool(match op {
                    UnaryOp::Not => !v.truthy(),
                    UnaryOp::Empty => v.is_empty(),
                    UnaryOp::NotEmpty => !v.is_empty(),
                })
            }
            Expr::Binary(op, l, r) => binary(*op, l.eval(lookup), r.eval(lookup)),
        }
    }

    /// Evaluates the expression as a condition: SurveyJS's `ConditionRunner` holds when the
    /// result `== true` in JavaScript's loose sense (so `true`, `1` and `"1"` hold).
    pub fn holds(&self, lookup: &dyn Fn(&str) -> Value) -> bool {
        match self.eval(lookup) {
            Value::Bool(b) => b,
            Value::Null => false,
            v => v.to_number() == Some(1.0),
        }
    }
}

impl Value {
    /// A JSON answer as SurveyJS holds it. Objects (matrix answers) are not used by any
    /// Steward template and read as null.
    pub fn from_json(v: &serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null | serde_json::Value::Object(_) => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from_json).collect()),
        }
    }

    /// SurveyJS `Helpers.isValueEmpty`: null, an empty or blank string, an empty array, NaN.
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Bool(_) => false,
            Value::Number(n) => n.is_nan(),
            Value::String(s) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
        }
    }

    /// JavaScript truthiness.
    fn truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Array(_) => true,
        }
    }

    /// JavaScript `String(value)`.
    fn to_js_string(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => js_number_string(*n),
            Value::String(s) => s.clone(),
            Value::Array(a) => a
                .iter()
                .map(|v| {
                    if matches!(v, Value::Null) {
                        String::new()
                    } else {
                        v.to_js_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    /// JavaScript `Number(value)`, None for NaN.
    fn to_number(&self) -> Option<f64> {
        match self {
            Value::Null => Some(0.0),
            Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            Value::Number(n) => (!n.is_nan()).then_some(*n),
            Value::String(s) => js_number(s),
            Value::Array(a) => match a.as_slice() {
                [] => Some(0.0),
                [one] => Value::String(one.to_js_string()).to_number(),
                _ => None,
            },
        }
    }
}

fn js_number_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        // Rust prints the shortest representation that round-trips, as JavaScript does.
        format!("{n}")
    }
}

/// JavaScript `Number(string)` for the forms that occur in answers: blank is 0, hex `0x..`,
/// decimal with optional sign and exponent; anything else is NaN (None).
fn js_number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0.0);
    }
    if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    let body = t.trim_start_matches(['+', '-']);
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None; // refuses Rust's "inf" and "nan", which JavaScript does not accept
    }
    t.parse::<f64>().ok()
}

/// SurveyJS `Const.getCorrectValue` for a string read from the answers.
fn convert_string(s: &str) -> Value {
    if s.is_empty() {
        return Value::String(String::new());
    }
    if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") {
        return Value::Bool(s.eq_ignore_ascii_case("true"));
    }
    let quoted = |c: char| c == '\'' || c == '"';
    if s.chars().count() > 1 && s.starts_with(quoted) && s.ends_with(quoted) {
        let inner: String = {
            let mut cs = s.chars();
            cs.next();
            cs.next_back();
            cs.collect()
        };
        return Value::String(inner);
    }
    if is_numeric(s) {
        if let Some(hex) = s.strip_prefix("0x") {
            if let Ok(n) = u64::from_str_radix(hex, 16) {
                return Value::Number(n as f64);
            }
        }
        if s.len() > 1 && s.starts_with('0') {
            return Value::String(s.to_string()); // "001" stays a string, as in SurveyJS
        }
        if let Some(n) = js_number(s) {
            return Value::Number(n);
        }
    }
    Value::String(s.to_string())
}

/// SurveyJS `OperandMaker.isNumeric`.
fn is_numeric(s: &str) -> bool {
    if s.contains(['-', '*', '^', '/', '%']) || s.find('+').is_some_and(|i| i > 1) {
        return false;
    }
    if s.trim().is_empty() {
        return false;
    }
    js_number(s).is_some_and(f64::is_finite)
}

fn binary(op: BinaryOp, l: Value, r: Value) -> Value {
    use BinaryOp::*;
    match op {
        Or | And | Plus | Minus | Mul | Div | Mod | Power => {
            let l = for_arithmetic(l, &r);
            let r = for_arithmetic(r, &l);
            match op {
                Or => {
                    if l.truthy() {
                        l
                    } else {
                        r
                    }
                }
                And => {
                    if l.truthy() {
                        r
                    } else {
                        l
                    }
                }
                _ => arithmetic(op, &l, &r),
            }
        }
        Equal => Value::Bool(equals(&l, &r)),
        NotEqual => Value::Bool(!equals(&l, &r)),
        Less => Value::Bool(compare(&l, &r) == Some(Ordering::Less)),
        Greater => Value::Bool(compare(&l, &r) == Some(Ordering::Greater)),
        LessOrEqual => Value::Bool(equals(&l, &r) || compare(&l, &r) == Some(Ordering::Less)),
        GreaterOrEqual => Value::Bool(equals(&l, &r) || compare(&l, &r) == Some(Ordering::Greater)),
        Contains => Value::Bool(contains_core(&l, &r, true)),
        NotContains => {
            if !l.truthy() && !r.is_empty() {
                Value::Bool(true)
            } else {
                Value::Bool(contains_core(&l, &r, false))
            }
        }
        AnyOf => Value::Bool(any_of(&l, &r)),
        AllOf => Value::Bool(all_of(&l, &r)),
    }
}

/// SurveyJS `convertForArithmeticOp`: an empty operand becomes the neutral value of the other's
/// type.
fn for_arithmetic(v: Value, other: &Value) -> Value {
    if !v.is_empty() {
        return v;
    }
    match (&v, other) {
        (_, Value::Number(_)) => Value::Number(0.0),
        (Value::String(_), _) => v,
        (_, Value::String(_)) => Value::String(String::new()),
        (_, Value::Array(_)) => Value::Array(Vec::new()),
        _ => Value::Number(0.0),
    }
}

fn arithmetic(op: BinaryOp, l: &Value, r: &Value) -> Value {
    if op == BinaryOp::Plus {
        if let (Value::Array(a), Value::Array(b)) = (l, r) {
            return Value::Array(a.iter().chain(b).cloned().collect());
        }
        if matches!(l, Value::String(_)) || matches!(r, Value::String(_)) {
            return Value::String(l.to_js_string() + &r.to_js_string());
        }
    }
    let (Some(a), Some(b)) = (l.to_number(), r.to_number()) else {
        return Value::Null;
    };
    let n = match op {
        BinaryOp::Plus => a + b,
        BinaryOp::Minus => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div | BinaryOp::Mod if b == 0.0 => return Value::Null,
        BinaryOp::Div => a / b,
        BinaryOp::Mod => a % b,
        _ => a.powf(b),
    };
    Value::Number(n)
}

/// SurveyJS `Helpers.isTwoValueEquals(x, y, ignoreOrder = true)` with the default comparator
/// (strings compared trimmed and case-insensitively).
pub fn equals(x: &Value, y: &Value) -> bool {
    match (x, y) {
        (Value::String(a), Value::String(b)) => a.trim().to_lowercase() == b.trim().to_lowercase(),
        (Value::Number(a), Value::Number(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Bool(b), Value::String(s)) | (Value::String(s), Value::Bool(b)) => {
            b.to_string() == s.to_lowercase()
        }
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            !s.trim().is_empty() && js_number(s) == Some(*n)
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return false;
            }
            // Order is ignored: every element of `a` pairs with a distinct equal element of `b`.
            let mut used = vec![false; b.len()];
            a.iter().all(|av| {
                let hit = b
                    .iter()
                    .enumerate()
                    .find(|(i, bv)| !used[*i] && equals(av, bv));
                hit.map(|(i, _)| used[i] = true).is_some()
            })
        }
        _ => x.is_empty() && y.is_empty(),
    }
}

/// JavaScript `<` / `>` for the values answers hold; None when JavaScript would compare NaN.
fn compare(x: &Value, y: &Value) -> Option<Ordering> {
    match (x, y) {
        (Value::Null, _) | (_, Value::Null) => None,
        (Value::String(a), Value::String(b)) => Some(a.encode_utf16().cmp(b.encode_utf16())),
        _ => x.to_number()?.partial_cmp(&y.to_number()?),
    }
}

/// SurveyJS `containsCore`: a substring test when the left side is a string or a scalar, an
/// "has every element" test when it is a non-empty array.
fn contains_core(left: &Value, right: &Value, is_contains: bool) -> bool {
    let (text, scalar) = match left {
        Value::Null => return false,
        Value::Number(n) if n.is_nan() => return false,
        Value::String(s) if s.is_empty() => return false,
        Value::String(s) => (s.clone(), false),
        Value::Array(a) if !a.is_empty() => return contains_elements(a, right, is_contains),
        // `!left.length` in SurveyJS: numbers, booleans and the empty array go through toString.
        other => (other.to_js_string(), true),
    };
    if !right.truthy() {
        return false;
    }
    let mut needle = right.to_js_string();
    let mut haystack = text;
    if scalar && matches!(right, Value::String(_)) {
        haystack = haystack.to_uppercase();
        needle = needle.to_uppercase();
    }
    haystack.contains(&needle) == is_contains
}

fn contains_elements(items: &[Value], right: &Value, is_contains: bool) -> bool {
    let wanted: &[Value] = match right {
        Value::Array(a) => a,
        single => std::slice::from_ref(single),
    };
    for w in wanted {
        if !items.iter().any(|i| equals(i, w)) {
            return !is_contains;
        }
    }
    is_contains
}

fn any_of(left: &Value, right: &Value) -> bool {
    if left.is_empty() && right.is_empty() {
        return true;
    }
    if left.is_empty() {
        return false;
    }
    if right.is_empty() {
        return true;
    }
    match (left, right) {
        (Value::Array(_), Value::Array(rs)) => rs.iter().any(|r| contains_core(left, r, true)),
        (Value::Array(_), r) => contains_core(left, r, true),
        (l, r) => contains_core(r, l, true),
    }
}

fn all_of(left: &Value, right: &Value) -> bool {
    if !left.truthy() && !right.is_empty() {
        return false;
    }
    match right {
        Value::Array(rs) => rs.iter().all(|r| contains_core(left, r, true)),
        r => contains_core(left, r, true),
    }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Var(String),
    Str(String),
    Num(f64),
    Word(String),
    Op(BinaryOp),
    Not,
    Empty,
    NotEmpty,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Var(v) => format!("variable {{{v}}}"),
            Tok::Str(s) => format!("string '{s}'"),
            Tok::Num(n) => format!("number {n}"),
            Tok::Word(w) => format!("word '{w}'"),
            Tok::Op(op) => format!("operator {op:?}"),
            Tok::Not => "'!'".into(),
            Tok::Empty => "'empty'".into(),
            Tok::NotEmpty => "'notempty'".into(),
            Tok::LParen => "'('".into(),
            Tok::RParen => "')'".into(),
            Tok::LBracket => "'['".into(),
            Tok::RBracket => "']'".into(),
            Tok::Comma => "','".into(),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Tok,
    /// 0-based character index.
    at: usize,
}

fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, message: String| ParseError {
        column: at + 1,
        message,
    };
    while i < chars.len() {
        let c = chars[i];
        let at = i;
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        let kind = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '{' => {
                let close = chars[i + 1..].iter().position(|&c| c == '}');
                let Some(len) = close else {
                    return Err(err(at, "'{' without a closing '}'".into()));
                };
                let name: String = chars[i + 1..i + 1 + len].iter().collect();
                if name.is_empty() || name.contains(['{', '\'', '"']) {
                    return Err(err(at, format!("bad variable name {{{name}}}")));
                }
                i += len + 2;
                Tok::Var(name)
            }
            '\'' | '"' => {
                let mut s = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => {
                            return Err(err(at, format!("string opened with {c} is not closed")))
                        }
                        Some('\\') if matches!(chars.get(j + 1), Some('\'' | '"')) => {
                            s.push(chars[j + 1]);
                            j += 2;
                        }
                        Some(&q) if q == c => break,
                        Some(&other) => {
                            s.push(other);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
                Tok::Str(s)
            }
            '0'..='9' => {
                let (n, len) =
                    lex_number(&chars[i..]).ok_or_else(|| err(at, "bad number".into()))?;
                i += len;
                Tok::Num(n)
            }
            '(' | ')' | '[' | ']' | ',' => {
                i += 1;
                match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    '[' => Tok::LBracket,
                    ']' => Tok::RBracket,
                    _ => Tok::Comma,
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let len = chars[i..]
                    .iter()
                    .take_while(|c| c.is_alphanumeric() || **c == '_')
                    .count();
                let word: String = chars[i..i + len].iter().collect();
                i += len;
                keyword(&word).unwrap_or(Tok::Word(word))
            }
            _ => {
                let (op, len) = match two.as_str() {
                    "||" => (Tok::Op(BinaryOp::Or), 2),
                    "&&" => (Tok::Op(BinaryOp::And), 2),
                    "<=" | "=<" => (Tok::Op(BinaryOp::LessOrEqual), 2),
                    ">=" | "=>" => (Tok::Op(BinaryOp::GreaterOrEqual), 2),
                    "==" => (Tok::Op(BinaryOp::Equal), 2),
                    "!=" | "<>" => (Tok::Op(BinaryOp::NotEqual), 2),
                    "*=" => (Tok::Op(BinaryOp::Contains), 2),
                    _ => match c {
                        '=' => (Tok::Op(BinaryOp::Equal), 1),
                        '<' => (Tok::Op(BinaryOp::Less), 1),
                        '>' => (Tok::Op(BinaryOp::Greater), 1),
                        '+' => (Tok::Op(BinaryOp::Plus), 1),
                        '-' => (Tok::Op(BinaryOp::Minus), 1),
                        '*' => (Tok::Op(BinaryOp::Mul), 1),
                        '/' => (Tok::Op(BinaryOp::Div), 1),
                        '%' => (Tok::Op(BinaryOp::Mod), 1),
                        '^' => (Tok::Op(BinaryOp::Power), 1),
                        '!' => (Tok::Not, 1),
                        _ => return Err(err(at, format!("unexpected character '{c}'"))),
                    },
                };
                i += len;
                op
            }
        };
        out.push(Token { kind, at });
    }
    Ok(out)
}

fn keyword(word: &str) -> Option<Tok> {
    use BinaryOp::*;
    Some(match word.to_ascii_lowercase().as_str() {
        "or" => Tok::Op(Or),
        "and" => Tok::Op(And),
        "lessorequal" => Tok::Op(LessOrEqual),
        "greaterorequal" => Tok::Op(GreaterOrEqual),
        "equal" | "equals" => Tok::Op(Equal),
        "notequal" | "notequals" => Tok::Op(NotEqual),
        "less" => Tok::Op(Less),
        "greater" => Tok::Op(Greater),
        "power" => Tok::Op(Power),
        "contains" | "contain" => Tok::Op(Contains),
        "notcontains" | "notcontain" => Tok::Op(NotContains),
        "anyof" => Tok::Op(AnyOf),
        "allof" => Tok::Op(AllOf),
        "negate" => Tok::Not,
        "empty" => Tok::Empty,
        "notempty" => Tok::NotEmpty,
        _ => return None,
    })
}

/// A number literal: `0x` hex, or digits with an optional fraction.
fn lex_number(chars: &[char]) -> Option<(f64, usize)> {
    if chars.len() > 2 && chars[0] == '0' && chars[1] == 'x' {
        let len = chars[2..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit())
            .count();
        let hex: String = chars[2..2 + len].iter().collect();
        return u64::from_str_radix(&hex, 16)
            .ok()
            .map(|n| (n as f64, len + 2));
    }
    let mut len = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    if chars.get(len) == Some(&'.') && chars.get(len + 1).is_some_and(char::is_ascii_digit) {
        len += 1 + chars[len + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
    }
    let text: String = chars[..len].iter().collect();
    text.parse().ok().map(|n| (n, len))
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Length of the source in characters, for errors at the end.
    len: usize,
    /// How many brackets, parentheses and `!` enclose the factor being parsed.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_op(&self) -> Option<BinaryOp> {
        match self.peek() {
            Some(Token {
                kind: Tok::Op(op), ..
            }) => Some(*op),
            _ => None,
        }
    }

    fn error_at(&self, at: usize, message: String) -> ParseError {
        ParseError {
            column: at + 1,
            message,
        }
    }

    fn end_error(&self, what: &str) -> ParseError {
        self.error_at(
            self.len,
            format!("expected {what}, found the end of the expression"),
        )
    }

    /// One left-associative level: `next (op next)*` for the operators in `ops`.
    fn level(
        &mut self,
        ops: &[BinaryOp],
        next: fn(&mut Parser) -> Result<Expr, ParseError>,
    ) -> Result<Expr, ParseError> {
        let mut left = next(self)?;
        while let Some(op) = self.peek_op().filter(|op| ops.contains(op)) {
            self.pos += 1;
            let right = next(self)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.level(&[BinaryOp::Or], Parser::and)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        self.level(&[BinaryOp::And], Parser::comparison)
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        use BinaryOp::*;
        self.level(
            &[Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual],
            Parser::additive,
        )
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        self.level(&[BinaryOp::Plus, BinaryOp::Minus], Parser::multiplicative)
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        self.level(
            &[BinaryOp::Mul, BinaryOp::Div, BinaryOp::Mod],
            Parser::power,
        )
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        self.level(&[BinaryOp::Power], Parser::binary_function)
    }

    /// `contains`, `notcontains`, `anyof`, `allof`; as in SurveyJS the right operand may be
    /// missing, which reads as null.
    fn binary_function(&mut self) -> Result<Expr, ParseError> {
        use BinaryOp::*;
        let mut left = self.factor()?;
        while let Some(op) = self
            .peek_op()
            .filter(|op| [Contains, NotContains, AnyOf, AllOf].contains(op))
        {
            self.pos += 1;
            let right = if self.starts_factor() {
                self.factor()?
            } else {
                Expr::Const(Value::Null)
            };
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn starts_factor(&self) -> bool {
        matches!(
            self.peek().map(|t| &t.kind),
            Some(
                Tok::Var(_)
                    | Tok::Str(_)
                    | Tok::Num(_)
                    | Tok::Word(_)
                    | Tok::LParen
                    | Tok::LBracket
                    | Tok::Not
                    | Tok::Op(BinaryOp::Minus)
            )
        )
    }

    fn expect(&mut self, want: Tok, what: &str) -> Result<(), ParseError> {
        match self.peek() {
            Some(t) if t.kind == want => {
                self.pos += 1;
                Ok(())
            }
            Some(t) => Err(self.error_at(
                t.at,
                format!("expected {what}, found {}", t.kind.describe()),
            )),
            None => Err(self.end_error(what)),
        }
    }

    /// What follows an opening `(`, `[` or a `!`.
    fn nested(&mut self, open: Tok) -> Result<Expr, ParseError> {
        match open {
            Tok::LParen => {
                let e = self.or()?;
                self.expect(Tok::RParen, "')'")?;
                Ok(e)
            }
            Tok::Not => {
                // SurveyJS: "!" applies to the whole expression that follows.
                let e = self.or()?;
                Ok(Expr::Unary(UnaryOp::Not, Box::new(e)))
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if self.peek().map(|t| &t.kind) != Some(&Tok::RBracket) {
                    loop {
                        items.push(self.or()?);
                        if self.peek().map(|t| &t.kind) == Some(&Tok::Comma) {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RBracket, "']'")?;
                Ok(Expr::Array(items))
            }
            _ => unreachable!("only an opening bracket, parenthesis or '!' nests"),
        }
    }

    fn factor(&mut self) -> Result<Expr, ParseError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.end_error("a value"));
        };
        self.pos += 1;
        if matches!(tok.kind, Tok::LParen | Tok::Not | Tok::LBracket) {
            if self.depth == MAX_DEPTH {
                return Err(self.error_at(
                    tok.at,
                    format!("brackets, parentheses and '!' nest more than {MAX_DEPTH} deep here"),
                ));
            }
            self.depth += 1;
            let nested = self.nested(tok.kind);
            self.depth -= 1;
            return nested;
        }
        let atom = match tok.kind {
            Tok::Op(BinaryOp::Minus) => match self.peek().map(|t| t.kind.clone()) {
                Some(Tok::Num(n)) => {
                    self.pos += 1;
                    Expr::Const(Value::Number(-n))
                }
                _ => {
                    return Err(
                        self.error_at(tok.at, "'-' must be followed by a number here".into())
                    )
                }
            },
            Tok::Var(name) => Expr::Var(name),
            Tok::Str(s) => Expr::Const(Value::String(s)),
            Tok::Num(n) => Expr::Const(Value::Number(n)),
            Tok::Word(w) => {
                if self.peek().map(|t| &t.kind) == Some(&Tok::LParen) {
                    return Err(self.error_at(
                        tok.at,
                        format!("function calls such as {w}(...) are not supported"),
                    ));
                }
                match w.to_ascii_lowercase().as_str() {
                    "true" => Expr::Const(Value::Bool(true)),
                    "false" => Expr::Const(Value::Bool(false)),
                    "null" | "undefined" => Expr::Const(Value::Null),
                    _ => Expr::Const(Value::String(w)),
                }
            }
            other => {
                return Err(self.error_at(
                    tok.at,
                    format!("expected a value, found {}", other.describe()),
                ));
            }
        };
        let op = match self.peek().map(|t| &t.kind) {
            Some(Tok::Empty) => UnaryOp::Empty,
            Some(Tok::NotEmpty) => UnaryOp::NotEmpty,
            _ => return Ok(atom),
        };
        self.pos += 1;
        Ok(Expr::Unary(op, Box::new(atom)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Evaluates `src` as a condition against `answers` and compares with `expected`.
    fn check(src: &str, answers: serde_json::Value, expected: bool) {
        let e = parse(src).unwrap_or_else(|err| panic!("{src:?} must parse: {err}"));
        let lookup = |name: &str| answers.get(name).map_or(Value::Null, Value::from_json);
        assert_eq!(e.holds(&lookup), expected, "{src:?} with {answers}");
    }

    #[test]
    fn comparisons_follow_surveyjs() {
        check("{a} = 'x'", json!({"a": "x"}), true);
        check("{a} == \"x\"", json!({"a": " X "}), true); // trimmed, case-insensitive
        check("{a} = 'x'", json!({}), false);
        check("{a} != 'x'", json!({}), true);
        check("{a} <> 'x'", json!({"a": "x"}), false);
        check("{a} notequal 'x'", json!({"a": "y"}), true);
        check("{n} > 3", json!({"n": 4}), true);
        check("{n} > 3", json!({"n": "4"}), true); // numeric strings become numbers
        check("{n} >= 4", json!({"n": 4}), true);
        check("{n} <= 3", json!({"n": 4}), false);
        check("{n} < 3", json!({}), false); // null never compares
        check("{n} = 4", json!({"n": "4"}), true);
        check("{d} = '001'", json!({"d": "001"}), true); // leading zero keeps a string
        check("{b} = true", json!({"b": "true"}), true);
        check("{a} = ''", json!({}), true); // null equals the empty string
        check("{s} = ['a', 'b']", json!({"s": ["b", "a"]}), true); // order ignored
        check("{a} = item1", json!({"a": "item1"}), true); // unquoted word is a string
    }

    #[test]
    fn logic_and_precedence() {
        check("{a} = 1 or {b} = 1 and {c} = 1", json!({"a": 1}), true);
        check("({a} = 1 or {b} = 1) and {c} = 1", json!({"a": 1}), false);
        check("{a} = 1 && {b} = 2", json!({"a": 1, "b": 2}), true);
        check("{a} = 1 || {b} = 2", json!({}), false);
        check("!{a} = 1", json!({"a": 2}), true);
        check("negate {a} = 1 and {b} = 1", json!({"a": 1, "b": 2}), true); // ! takes it all
        check("{a} = 1 AND {b} = 1", json!({"a": 1, "b": 1}), true);
    }

    #[test]
    fn contains_anyof_allof_empty() {
        check("{r} contains 'item1-3'", json!({"r": "item1-3"}), true);
        check("{r} contains ['item2']", json!({"r": "item2-0"}), true); // substring on strings
        check("{r} contains ['item2']", json!({"r": "item3-1"}), false);
        check(
            "{c} contains 'item6'",
            json!({"c": ["item1", "item6"]}),
            true,
        );
        check("{c} contains ['item6']", json!({"c": ["item6-1"]}), false); // element equality
        check("{c} contains ['a', 'b']", json!({"c": ["a"]}), false); // every element
        check("{c} *= 'a'", json!({"c": ["a"]}), true);
        check("{c} notcontains 'a'", json!({"c": ["b"]}), true);
        check("{c} notcontains 'a'", json!({}), true);
        check("{c} contains 'a'", json!({}), false);
        check("{c} anyof ['a', 'z']", json!({"c": ["a", "b"]}), true);
        check("{c} anyof ['y', 'z']", json!({"c": ["a", "b"]}), false);
        check("{r} anyof ['a', 'z']", json!({"r": "a"}), true);
        check("{c} allof ['a', 'b']", json!({"c": ["a", "b", "c"]}), true);
        check("{c} allof ['a', 'd']", json!({"c": ["a", "b"]}), false);
        check("{c} empty", json!({"c": []}), true);
        check("{c} empty", json!({"c": "  "}), true);
        check("{c} notempty", json!({"c": ["a"]}), true);
        check("{n} notempty", json!({"n": 0}), true); // 0 is an answer
        check("{x} notempty", json!({}), false);
    }

    #[test]
    fn arithmetic_and_literals() {
        check("{a} + {b} = 5", json!({"a": 2, "b": 3}), true);
        check("{a} + 1 = 1", json!({}), true); // null counts as 0
        check("{a} * 2 - 1 = 5", json!({"a": 3}), true);
        check("{a} / 0 = null", json!({"a": 3}), true); // division by zero gives null
        check("2 ^ 3 = 8", json!({}), true);
        check("7 % 4 = 3", json!({}), true);
        check("{s} + 'b' = 'ab'", json!({"s": "a"}), true);
        check("-1 < 0", json!({}), true);
        check("0x10 = 16", json!({}), true);
        check("1.5 > 1", json!({}), true);
        check("{n}", json!({"n": 1}), true); // loose == true
        check("{n}", json!({"n": 2}), false);
        check("'It\\'s' = {s}", json!({"s": "it's"}), true);
        check("{a} = null", json!({}), true);
    }

    #[test]
    fn parse_errors_say_where() {
        let err = |src: &str| parse(src).expect_err(src).to_string();
        assert!(
            err("{a} = ").contains("end of the expression"),
            "missing operand at the end"
        );
        assert!(
            err("({a} = 1").contains("')'"),
            "an unclosed parenthesis is refused"
        );
        assert!(
            err("iif({a} = 1, 1, 2)").contains("function calls"),
            "functions are refused"
        );
        assert!(
            err("{a = 1").contains("closing '}'"),
            "an unclosed variable is refused"
        );
        assert!(
            err("{a} = 'x").contains("not closed"),
            "an unclosed string is refused"
        );
        assert!(
            err("{a} = 1 1").starts_with("at character 9"),
            "the column is 1-based"
        );
        assert!(err("{a} # 1").contains("'#'"), "a stray character is named");
    }

    #[test]
    fn variables_are_listed() {
        let e = parse("({a} = 1 or {b} contains ['x']) and {c} notempty").expect("parses");
        assert_eq!(e.variables(), ["a", "b", "c"], "every variable in order");
    }

    #[test]
    fn hostile_expressions_are_refused_without_exhausting_the_stack() {
        // Each of these aborted the process before the bounds.
        let cases = [
            (
                "(".repeat(5_000) + "1" + &")".repeat(5_000),
                "characters long",
            ),
            (
                "(".repeat(40) + "1" + &")".repeat(40),
                "nest more than 32 deep",
            ),
            ("!".repeat(100_000) + "true", "characters long"),
            ("!".repeat(33) + "true", "nest more than 32 deep"),
            ("[".repeat(33) + &"]".repeat(33), "nest more than 32 deep"),
            (vec!["{a}"; 100_000].join(" and "), "characters long"),
            (vec!["1"; 600].join("&&"), "at most 1000 are accepted"),
        ];
        for (src, says) in cases {
            let e = parse(&src).expect_err("refused");
            assert!(e.message.contains(says), "{}: {e}", &src[..20]);
        }
        // Up to the bounds, expressions parse and evaluate.
        let deep = "(".repeat(32) + "1 = 1" + &")".repeat(32);
        assert!(parse(&deep)
            .expect("32 deep parses")
            .holds(&|_| Value::Null));
        let long = vec!["{a} = 1"; 200].join(" and ");
        assert!(parse(&long)
            .expect("a chain of 200 parses")
            .holds(&|_| Value::Number(1.0)));
    }
}
