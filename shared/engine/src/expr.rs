//! A small expression language for plan formulas: arithmetic and conditions over named amounts.
//!
//! Designers get formulas such as `min(attainment, 1.5) * target_incentive`, never a general
//! scripting language: there are no loops, assignments or user functions, so every formula
//! terminates and is cheap. Formulas are parsed once, when the plan is loaded, so every mistake
//! that does not depend on the data (syntax, unknown function, argument counts, a condition used
//! as a number) is reported with its column before any payee is calculated. Evaluation is exact
//! over [`Decimal`]. The designer's guide is `docs/expressions.md`.

use crate::money::RoundingRule;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

/// Longest formula accepted, in characters; plan formulas are one line.
pub const MAX_LENGTH: usize = 1000;

/// Deepest nesting of brackets, function calls, `-` and `not`, so parsing and evaluation can
/// never exhaust the stack (the browser's WASM stack is small).
pub const MAX_DEPTH: usize = 64;

/// Most decimal places `round` accepts: a [`Decimal`] holds at most 28.
const MAX_ROUND_DIGITS: u32 = 28;

/// What a sub-expression produces; used in type errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// An amount, rate or count.
    Number,
    /// A yes/no condition such as `nna > 0`, usable only inside `if`, `and`, `or` and `not`.
    Condition,
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValueType::Number => "a number",
            ValueType::Condition => "a yes/no condition",
        })
    }
}

/// Why a formula could not be parsed or evaluated; columns are 1-based and count characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExprError {
    /// The formula is blank.
    #[error("the formula is empty")]
    Empty,
    /// The formula is longer than [`MAX_LENGTH`].
    #[error("the formula is {length} characters long; the limit is {limit}")]
    TooLong {
        /// Characters in the formula.
        length: usize,
        /// The limit.
        limit: usize,
    },
    /// A character that has no meaning in a formula.
    #[error("at char {column}: unexpected character '{text}'")]
    UnexpectedCharacter {
        /// Where it is.
        column: usize,
        /// The character.
        text: String,
    },
    /// Digits that do not form a number the language accepts.
    #[error("at char {column}: '{text}' is not a valid number; write numbers like 1500, 0.25 or 12.5%")]
    InvalidNumber {
        /// Where it starts.
        column: usize,
        /// The text.
        text: String,
    },
    /// A name that is not lower-case snake_case.
    #[error(
        "at char {column}: '{text}' is not a valid name; names are lower case with underscores, like target_incentive"
    )]
    InvalidName {
        /// Where it starts.
        column: usize,
        /// The name.
        text: String,
    },
    /// A token where the grammar needs something else.
    #[error("at char {column}: expected {expected}, found '{text}'")]
    UnexpectedToken {
        /// Where it is.
        column: usize,
        /// The token found.
        text: String,
        /// What would have been valid.
        expected: String,
    },
    /// The formula stops where the grammar needs more.
    #[error("at char {column}: the formula ends too early; expected {expected}")]
    UnexpectedEnd {
        /// One past the last character.
        column: usize,
        /// What would have been valid.
        expected: String,
    },
    /// A call to a function the language does not have.
    #[error("at char {column}: unknown function '{text}'; the functions are min, max, abs, round, clamp and if")]
    UnknownFunction {
        /// Where the name starts.
        column: usize,
        /// The name.
        text: String,
    },
    /// A function called with too few or too many arguments.
    #[error("at char {column}: {function} expects {expected}, as in {usage}, but got {found}")]
    WrongArgumentCount {
        /// Where the function name starts.
        column: usize,
        /// The function.
        function: String,
        /// How many it takes, in words.
        expected: String,
        /// A correct call.
        usage: String,
        /// How many it was given.
        found: usize,
    },
    /// `round`'s second argument is not a whole number from 0 to 28.
    #[error(
        "at char {column}: round needs a whole number of decimal places from 0 to 28, like round(x, 2), not '{text}'"
    )]
    InvalidDigits {
        /// Where the argument starts.
        column: usize,
        /// The argument.
        text: String,
    },
    /// A condition where a number is needed, or the reverse.
    #[error("at char {column}: '{text}' is {found}, but {expected} is needed here")]
    TypeMismatch {
        /// Where the sub-expression starts.
        column: usize,
        /// The sub-expression.
        text: String,
        /// What the position needs.
        expected: ValueType,
        /// What the sub-expression produces.
        found: ValueType,
    },
    /// Brackets, calls, `-` or `not` nested deeper than [`MAX_DEPTH`].
    #[error("at char {column}: the formula is nested more than {limit} levels deep")]
    TooDeep {
        /// Where the limit was crossed.
        column: usize,
        /// The limit.
        limit: usize,
    },
    /// A name that is not among the variables supplied.
    #[error("at char {column}: unknown variable '{text}'")]
    UnknownVariable {
        /// Where the name starts.
        column: usize,
        /// The name.
        text: String,
    },
    /// A divisor that evaluated to zero.
    #[error("at char {column}: division by zero: '{text}' is 0")]
    DivisionByZero {
        /// Where the divisor starts.
        column: usize,
        /// The divisor.
        text: String,
    },
    /// A result too large for a decimal (about 7.9 x 10^28).
    #[error("at char {column}: '{text}' is too large to calculate")]
    Overflow {
        /// Where the sub-expression starts.
        column: usize,
        /// The sub-expression.
        text: String,
    },
    /// A whole formula whose result is beyond what a plan may pay.
    #[error("the formula gives {value}, beyond the largest amount a component may pay ({limit} either way)")]
    OutOfRange {
        /// The result.
        value: Decimal,
        /// The largest amount allowed.
        limit: Decimal,
    },
    /// `clamp` whose lower bound is above its upper bound.
    #[error("at char {column}: in '{text}' the lower bound {lo} is above the upper bound {hi}")]
    ClampBounds {
        /// Where the call starts.
        column: usize,
        /// The call.
        text: String,
        /// The lower bound's value.
        lo: Decimal,
        /// The upper bound's value.
        hi: Decimal,
    },
}

impl ExprError {
    /// The 1-based column the error points at, when it points at one.
    pub fn column(&self) -> Option<usize> {
        match self {
            ExprError::Empty | ExprError::TooLong { .. } | ExprError::OutOfRange { .. } => None,
            ExprError::UnexpectedCharacter { column, .. }
            | ExprError::InvalidNumber { column, .. }
            | ExprError::InvalidName { column, .. }
            | ExprError::UnexpectedToken { column, .. }
            | ExprError::UnexpectedEnd { column, .. }
            | ExprError::UnknownFunction { column, .. }
            | ExprError::WrongArgumentCount { column, .. }
            | ExprError::InvalidDigits { column, .. }
            | ExprError::TypeMismatch { column, .. }
            | ExprError::TooDeep { column, .. }
            | ExprError::UnknownVariable { column, .. }
            | ExprError::DivisionByZero { column, .. }
            | ExprError::Overflow { column, .. }
            | ExprError::ClampBounds { column, .. } => Some(*column),
        }
    }
}

/// A parsed formula; serialised as its source text so it sits in plan JSON unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Expr {
    source: String,
    root: NumNode,
}

/// Characters `start..end` of the source (0-based, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn to(self, other: Span) -> Span {
        Span { start: self.start, end: other.end }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct NumNode {
    span: Span,
    num: Num,
}

/// A sub-expression producing a number. Typed separately from [`Cond`] so a condition used as
/// a number is a parse error, not something evaluation has to check.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Num {
    Literal(Decimal),
    Var(String),
    Neg(Box<NumNode>),
    /// `first op x op y ...` evaluated left to right. Kept flat rather than as nested binary
    /// nodes so a long sum cannot make evaluation recurse once per term.
    Chain(Box<NumNode>, Vec<(Arith, NumNode)>),
    Min(Vec<NumNode>),
    Max(Vec<NumNode>),
    Abs(Box<NumNode>),
    Round(Box<NumNode>, u32),
    Clamp(Box<[NumNode; 3]>),
    If(Box<CondNode>, Box<[NumNode; 2]>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CondNode {
    span: Span,
    cond: Cond,
}

/// A sub-expression producing yes or no.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cond {
    Compare(Compare, Box<[NumNode; 2]>),
    /// Every condition holds; flat for the same reason as [`Num::Chain`].
    All(Vec<CondNode>),
    /// At least one condition holds.
    Any(Vec<CondNode>),
    Not(Box<CondNode>),
}

impl Expr {
    /// Parses a formula, reporting the first mistake with its column.
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        let chars: Vec<char> = source.chars().collect();
        if chars.len() > MAX_LENGTH {
            return Err(ExprError::TooLong { length: chars.len(), limit: MAX_LENGTH });
        }
        let tokens = tokenize(&chars)?;
        if tokens.len() == 1 {
            return Err(ExprError::Empty);
        }
        let end = Token { kind: Tok::End, span: Span { start: chars.len(), end: chars.len() } };
        let mut parser = Parser { chars: &chars, tokens, pos: 0, depth: 0, end };
        let root = parser.formula().map_err(|e| *e)?;
        Ok(Expr { source: source.to_string(), root })
    }

    /// The formula as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every variable name the formula uses, sorted and without repeats.
    pub fn variables(&self) -> BTreeSet<&str> {
        let mut names = BTreeSet::new();
        visit_num_vars(&self.root, &mut |name, _| {
            names.insert(name);
        });
        names
    }

    /// Checks every variable against the names a plan supplies; the first unknown one (in
    /// reading order) is reported with its column, so a typo fails when the plan is saved.
    pub fn check_variables(&self, known: &[&str]) -> Result<(), ExprError> {
        let mut first = None;
        visit_num_vars(&self.root, &mut |name, span| {
            if first.is_none() && !known.contains(&name) {
                first = Some(ExprError::UnknownVariable { column: span.start + 1, text: name.to_string() });
            }
        });
        first.map_or(Ok(()), Err)
    }

    /// Evaluates the formula with the given variables.
    pub fn eval(&self, vars: &BTreeMap<String, Decimal>) -> Result<Decimal, ExprError> {
        self.eval_with(|name| vars.get(name).copied())
    }

    /// Evaluates the formula, looking variables up with `lookup` (for callers whose variables
    /// are not in a `BTreeMap`).
    pub fn eval_with(&self, lookup: impl Fn(&str) -> Option<Decimal>) -> Result<Decimal, ExprError> {
        Evaluator { source: &self.source, lookup: &lookup }.num(&self.root).map_err(|e| *e)
    }
}

impl FromStr for Expr {
    type Err = ExprError;

    fn from_str(source: &str) -> Result<Expr, ExprError> {
        Expr::parse(source)
    }
}

impl TryFrom<String> for Expr {
    type Error = ExprError;

    fn try_from(source: String) -> Result<Expr, ExprError> {
        Expr::parse(&source)
    }
}

impl From<Expr> for String {
    fn from(expr: Expr) -> String {
        expr.source
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// A formula as a plan states it: the text and its parse. Reading a plan never fails on a bad
/// formula (unlike deserialising an [`Expr`]): the mistake is kept so that plan validation
/// reports it at its JSON path, together with every other problem in the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(from = "String", into = "String")]
pub struct Formula {
    source: String,
    parsed: Result<Expr, ExprError>,
}

impl Formula {
    /// Parses `source`, keeping the text whether or not it parses.
    pub fn new(source: impl Into<String>) -> Formula {
        let source = source.into();
        Formula { parsed: Expr::parse(&source), source }
    }

    /// The formula as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The parsed formula, or the first mistake in it.
    pub fn expr(&self) -> Result<&Expr, &ExprError> {
        self.parsed.as_ref()
    }
}

impl From<String> for Formula {
    fn from(source: String) -> Formula {
        Formula::new(source)
    }
}

impl From<Formula> for String {
    fn from(formula: Formula) -> String {
        formula.source
    }
}

impl fmt::Display for Formula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn visit_num_vars<'a>(node: &'a NumNode, f: &mut impl FnMut(&'a str, Span)) {
    match &node.num {
        Num::Literal(_) => {}
        Num::Var(name) => f(name, node.span),
        Num::Neg(x) | Num::Abs(x) | Num::Round(x, _) => visit_num_vars(x, f),
        Num::Chain(first, rest) => {
            visit_num_vars(first, f);
            rest.iter().for_each(|(_, a)| visit_num_vars(a, f));
        }
        Num::Min(args) | Num::Max(args) => args.iter().for_each(|a| visit_num_vars(a, f)),
        Num::Clamp(args) => args.iter().for_each(|a| visit_num_vars(a, f)),
        Num::If(cond, branches) => {
            visit_cond_vars(cond, f);
            branches.iter().for_each(|a| visit_num_vars(a, f));
        }
    }
}

fn visit_cond_vars<'a>(node: &'a CondNode, f: &mut impl FnMut(&'a str, Span)) {
    match &node.cond {
        Cond::Compare(_, sides) => sides.iter().for_each(|a| visit_num_vars(a, f)),
        Cond::All(all) | Cond::Any(all) => all.iter().for_each(|a| visit_cond_vars(a, f)),
        Cond::Not(x) => visit_cond_vars(x, f),
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    Plus,
    Minus,
    Star,
    Slash,
    Open,
    Close,
    Comma,
    Cmp(Compare),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Number(Decimal),
    Name(String),
    Sym(Sym),
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    kind: Tok,
    span: Span,
}

fn tokenize(chars: &[char]) -> Result<Vec<Token>, ExprError> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        let kind = if c.is_whitespace() {
            i += 1;
            continue;
        } else if c.is_ascii_digit() || c == '.' {
            let (value, end) = number(chars, start)?;
            i = end;
            Tok::Number(value)
        } else if c.is_ascii_alphabetic() || c == '_' {
            i = scan(chars, i, |c| c.is_ascii_alphanumeric() || c == '_');
            let text: String = chars[start..i].iter().collect();
            if text.chars().any(|c| c.is_ascii_uppercase()) {
                return Err(ExprError::InvalidName { column: start + 1, text });
            }
            Tok::Name(text)
        } else {
            let next = chars.get(i + 1).copied();
            let (sym, len) = match (c, next) {
                ('+', _) => (Sym::Plus, 1),
                ('-', _) => (Sym::Minus, 1),
                ('*', _) => (Sym::Star, 1),
                ('/', _) => (Sym::Slash, 1),
                ('(', _) => (Sym::Open, 1),
                (')', _) => (Sym::Close, 1),
                (',', _) => (Sym::Comma, 1),
                ('<', Some('=')) => (Sym::Cmp(Compare::Le), 2),
                ('<', _) => (Sym::Cmp(Compare::Lt), 1),
                ('>', Some('=')) => (Sym::Cmp(Compare::Ge), 2),
                ('>', _) => (Sym::Cmp(Compare::Gt), 1),
                ('=', Some('=')) => (Sym::Cmp(Compare::Eq), 2),
                ('!', Some('=')) => (Sym::Cmp(Compare::Ne), 2),
                _ => return Err(ExprError::UnexpectedCharacter { column: start + 1, text: c.to_string() }),
            };
            i += len;
            Tok::Sym(sym)
        };
        tokens.push(Token { kind, span: Span { start, end: i } });
    }
    tokens.push(Token { kind: Tok::End, span: Span { start: chars.len(), end: chars.len() } });
    Ok(tokens)
}

/// Index of the first character at or after `i` that does not satisfy `keep`.
fn scan(chars: &[char], mut i: usize, keep: impl Fn(char) -> bool) -> usize {
    while chars.get(i).is_some_and(|&c| keep(c)) {
        i += 1;
    }
    i
}

/// A literal `digits[.digits][%]` starting at `start`, and the index after it. Letters, dots
/// or underscores run on (as in `1e5`, `1.2.3`, `2x`) make the whole run an invalid number,
/// which reads better than an error about the character after the digits.
fn number(chars: &[char], start: usize) -> Result<(Decimal, usize), ExprError> {
    let mut end = scan(chars, start, |c| c.is_ascii_digit());
    if chars.get(end) == Some(&'.') && chars.get(end + 1).is_some_and(char::is_ascii_digit) {
        end = scan(chars, end + 1, |c| c.is_ascii_digit());
    }
    let run_end = scan(chars, end, |c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    let text: String = chars[start..run_end].iter().collect();
    let invalid = || ExprError::InvalidNumber { column: start + 1, text: text.clone() };
    if run_end > end || end == start || chars[start] == '.' {
        return Err(invalid());
    }
    // from_str_exact refuses what a Decimal cannot hold exactly rather than rounding it.
    let value = Decimal::from_str_exact(&text).map_err(|_| invalid())?;
    if chars.get(end) == Some(&'%') {
        let percent = Decimal::try_from_i128_with_scale(value.mantissa(), value.scale() + 2)
            .map_err(|_| ExprError::InvalidNumber { column: start + 1, text: chars[start..=end].iter().collect() })?;
        return Ok((percent, end + 1));
    }
    Ok((value, end))
}

// ---------------------------------------------------------------------------------------------
// Parser

/// A parsed sub-expression before its position decides which type it must have.
enum Node {
    Num(NumNode),
    Cond(CondNode),
}

impl Node {
    fn span(&self) -> Span {
        match self {
            Node::Num(n) => n.span,
            Node::Cond(c) => c.span,
        }
    }
}

/// One function: its name, how many arguments it takes, and a correct call for messages.
struct Function {
    name: &'static str,
    /// Fewest arguments; every function but `min` and `max` takes exactly this many.
    min_args: usize,
    variadic: bool,
    usage: &'static str,
}

const FUNCTIONS: [Function; 6] = [
    Function { name: "min", min_args: 2, variadic: true, usage: "min(a, b, ...)" },
    Function { name: "max", min_args: 2, variadic: true, usage: "max(a, b, ...)" },
    Function { name: "abs", min_args: 1, variadic: false, usage: "abs(x)" },
    Function { name: "round", min_args: 2, variadic: false, usage: "round(x, digits)" },
    Function { name: "clamp", min_args: 3, variadic: false, usage: "clamp(x, low, high)" },
    Function { name: "if", min_args: 3, variadic: false, usage: "if(condition, then, otherwise)" },
];

impl Function {
    fn expected(&self) -> String {
        let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
        let at_least = if self.variadic { "at least " } else { "" };
        format!("{at_least}{} {}", self.min_args, plural(self.min_args))
    }
}

const OPERAND: &str = "a number, a name or '('";

/// An operator between two operands.
#[derive(Debug, Clone, Copy)]
enum Infix {
    Or,
    And,
    Compare(Compare),
    Arith(Arith),
}

impl Infix {
    /// How tightly the operator binds; higher binds tighter.
    fn power(self) -> u8 {
        match self {
            Infix::Or => 1,
            Infix::And => 2,
            Infix::Compare(_) => 4,
            Infix::Arith(Arith::Add | Arith::Sub) => 5,
            Infix::Arith(Arith::Mul | Arith::Div) => 6,
        }
    }
}

/// The operand of `not` takes comparisons and arithmetic but stops at `and` and `or`.
const NOT_OPERAND: u8 = 4;
/// The operand of unary `-` stops at every infix operator: `-a * b` is `(-a) * b`.
const MINUS_OPERAND: u8 = 7;

/// Parser results; errors are boxed so the recursive functions' frames stay small.
type Parsed<T> = Result<T, Box<ExprError>>;

struct Parser<'s> {
    chars: &'s [char],
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    end: Token,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // `advance` never moves past the final `End`, so `end` is never actually returned.
        self.tokens.get(self.pos).unwrap_or(&self.end)
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != Tok::End {
            self.pos += 1;
        }
        token
    }

    fn text(&self, span: Span) -> String {
        self.chars.get(span.start..span.end).unwrap_or_default().iter().collect::<String>().trim().to_string()
    }

    fn unexpected(&self, token: Token, expected: &str) -> Box<ExprError> {
        Box::new(if token.kind == Tok::End {
            ExprError::UnexpectedEnd { column: token.span.start + 1, expected: expected.to_string() }
        } else {
            ExprError::UnexpectedToken {
                column: token.span.start + 1,
                text: self.text(token.span),
                expected: expected.to_string(),
            }
        })
    }

    fn expect(&mut self, sym: Sym, expected: &str) -> Parsed<Token> {
        let token = self.advance();
        if token.kind == Tok::Sym(sym) { Ok(token) } else { Err(self.unexpected(token, expected)) }
    }

    fn is_keyword(&self, word: &str) -> bool {
        matches!(&self.peek().kind, Tok::Name(name) if name == word)
    }

    /// Enters one more level of nesting, refusing to go past [`MAX_DEPTH`]; the caller
    /// decrements `depth` when it leaves.
    fn deeper(&mut self) -> Parsed<()> {
        // The whole formula is level 1, so MAX_DEPTH brackets inside it are still accepted.
        if self.depth > MAX_DEPTH {
            return Err(Box::new(ExprError::TooDeep { column: self.peek().span.start + 1, limit: MAX_DEPTH }));
        }
        self.depth += 1;
        Ok(())
    }

    fn number(&self, node: Node) -> Parsed<NumNode> {
        match node {
            Node::Num(n) => Ok(n),
            Node::Cond(c) => Err(self.mismatch(c.span, ValueType::Number, ValueType::Condition)),
        }
    }

    fn condition(&self, node: Node) -> Parsed<CondNode> {
        match node {
            Node::Cond(c) => Ok(c),
            Node::Num(n) => Err(self.mismatch(n.span, ValueType::Condition, ValueType::Number)),
        }
    }

    fn mismatch(&self, span: Span, expected: ValueType, found: ValueType) -> Box<ExprError> {
        Box::new(ExprError::TypeMismatch { column: span.start + 1, text: self.text(span), expected, found })
    }

    fn formula(&mut self) -> Parsed<NumNode> {
        let node = self.group()?;
        let next = self.peek().clone();
        if next.kind != Tok::End {
            return Err(self.unexpected(next, "an operator or the end of the formula"));
        }
        self.number(node)
    }

    /// The whole formula, a bracketed expression or a function argument: one level deeper.
    fn group(&mut self) -> Parsed<Node> {
        self.deeper()?;
        let node = self.expression(0);
        self.depth -= 1;
        node
    }

    /// Operators binding at least as tightly as `min`, by precedence climbing. One function for
    /// every level (rather than one per level) keeps recursion per bracket short, which is what
    /// bounds the stack the parser needs.
    fn expression(&mut self, min: u8) -> Parsed<Node> {
        let mut left = self.prefix()?;
        let mut compared = false;
        while let Some(op) = self.infix() {
            let power = op.power();
            if power < min {
                break;
            }
            let token = self.advance();
            let comparison = matches!(op, Infix::Compare(_));
            if compared && comparison {
                // `a < b < c` means different things in different languages; make the designer say.
                return Err(
                    self.unexpected(token, "'and' or 'or' (comparisons cannot be chained: write a < b and b < c)")
                );
            }
            // `power + 1`: operators of one level are left-associative.
            let right = self.expression(power + 1)?;
            left = self.combine(left, op, right)?;
            compared = comparison;
        }
        Ok(left)
    }

    fn infix(&self) -> Option<Infix> {
        match &self.peek().kind {
            Tok::Sym(Sym::Plus) => Some(Infix::Arith(Arith::Add)),
            Tok::Sym(Sym::Minus) => Some(Infix::Arith(Arith::Sub)),
            Tok::Sym(Sym::Star) => Some(Infix::Arith(Arith::Mul)),
            Tok::Sym(Sym::Slash) => Some(Infix::Arith(Arith::Div)),
            Tok::Sym(Sym::Cmp(op)) => Some(Infix::Compare(*op)),
            Tok::Name(name) if name == "and" => Some(Infix::And),
            Tok::Name(name) if name == "or" => Some(Infix::Or),
            _ => None,
        }
    }

    /// `left op right`, checking both sides' types. Chains of arithmetic, `and` and `or` are
    /// kept flat: a left side this parser built (not a bracketed one, whose span starts at its
    /// bracket rather than its first operand) is extended instead of nested.
    fn combine(&self, left: Node, op: Infix, right: Node) -> Parsed<Node> {
        let span = left.span().to(right.span());
        Ok(match op {
            Infix::Arith(op) => {
                let (left, right) = (self.number(left)?, self.number(right)?);
                let num = match left.num {
                    Num::Chain(first, mut rest) if first.span.start == left.span.start => {
                        rest.push((op, right));
                        Num::Chain(first, rest)
                    }
                    num => Num::Chain(Box::new(NumNode { span: left.span, num }), vec![(op, right)]),
                };
                Node::Num(NumNode { span, num })
            }
            Infix::Compare(op) => {
                let sides = [self.number(left)?, self.number(right)?];
                Node::Cond(CondNode { span, cond: Cond::Compare(op, Box::new(sides)) })
            }
            Infix::And | Infix::Or => {
                let and = matches!(op, Infix::And);
                let (left, right) = (self.condition(left)?, self.condition(right)?);
                let flat = |list: &[CondNode]| list.first().is_some_and(|c| c.span.start == left.span.start);
                let mut list = match left.cond {
                    Cond::All(list) if and && flat(&list) => list,
                    Cond::Any(list) if !and && flat(&list) => list,
                    cond => vec![CondNode { span: left.span, cond }],
                };
                list.push(right);
                Node::Cond(CondNode { span, cond: if and { Cond::All(list) } else { Cond::Any(list) } })
            }
        })
    }

    /// Unary `-` (binding tighter than `*`) and `not` (looser than comparisons, so
    /// `not a > b` is `not (a > b)`), or an operand.
    fn prefix(&mut self) -> Parsed<Node> {
        let token = self.peek().clone();
        let minus = token.kind == Tok::Sym(Sym::Minus);
        if !minus && !self.is_keyword("not") {
            return self.primary();
        }
        self.advance();
        self.deeper()?;
        let operand = self.expression(if minus { MINUS_OPERAND } else { NOT_OPERAND });
        self.depth -= 1;
        let operand = operand?;
        let span = token.span.to(operand.span());
        Ok(if minus {
            Node::Num(NumNode { span, num: Num::Neg(Box::new(self.number(operand)?)) })
        } else {
            Node::Cond(CondNode { span, cond: Cond::Not(Box::new(self.condition(operand)?)) })
        })
    }

    fn primary(&mut self) -> Parsed<Node> {
        let token = self.advance();
        match token.kind {
            Tok::Number(value) => Ok(Node::Num(NumNode { span: token.span, num: Num::Literal(value) })),
            Tok::Name(ref name) if ["and", "or", "not"].contains(&name.as_str()) => {
                Err(self.unexpected(token, OPERAND))
            }
            Tok::Name(name) if self.peek().kind == Tok::Sym(Sym::Open) => self.call(name, token.span),
            Tok::Name(name) => Ok(Node::Num(NumNode { span: token.span, num: Num::Var(name) })),
            Tok::Sym(Sym::Open) => {
                let inner = self.group()?;
                let close = self.expect(Sym::Close, "')'")?;
                // The brackets belong to the span so messages quote what the designer wrote.
                Ok(match inner {
                    Node::Num(n) => Node::Num(NumNode { span: token.span.to(close.span), num: n.num }),
                    Node::Cond(c) => Node::Cond(CondNode { span: token.span.to(close.span), cond: c.cond }),
                })
            }
            _ => Err(self.unexpected(token, OPERAND)),
        }
    }

    fn call(&mut self, name: String, name_span: Span) -> Parsed<Node> {
        let column = name_span.start + 1;
        let Some(function) = FUNCTIONS.iter().find(|f| f.name == name) else {
            return Err(Box::new(ExprError::UnknownFunction { column, text: name }));
        };
        self.advance();
        let mut args = Vec::new();
        let close = if self.peek().kind == Tok::Sym(Sym::Close) {
            self.advance()
        } else {
            loop {
                args.push(self.group()?);
                let token = self.advance();
                match token.kind {
                    Tok::Sym(Sym::Comma) => {}
                    Tok::Sym(Sym::Close) => break token,
                    _ => return Err(self.unexpected(token, "',' or ')'")),
                }
            }
        };
        let span = name_span.to(close.span);
        Ok(Node::Num(NumNode { span, num: self.build_call(function, name, column, args)? }))
    }

    /// The node for a call whose arguments are parsed. Kept out of [`Parser::call`] so its
    /// locals are not on the stack while nested arguments are parsed.
    fn build_call(&self, function: &Function, name: String, column: usize, args: Vec<Node>) -> Parsed<Num> {
        let wrong = |found: usize| {
            Box::new(ExprError::WrongArgumentCount {
                column,
                function: name.clone(),
                expected: function.expected(),
                usage: function.usage.to_string(),
                found,
            })
        };
        Ok(match function.name {
            "min" | "max" => {
                if args.len() < function.min_args {
                    return Err(wrong(args.len()));
                }
                let values = args.into_iter().map(|a| self.number(a)).collect::<Result<_, _>>()?;
                if function.name == "min" { Num::Min(values) } else { Num::Max(values) }
            }
            "abs" => {
                let [x] = args.try_into().map_err(|a: Vec<Node>| wrong(a.len()))?;
                Num::Abs(Box::new(self.number(x)?))
            }
            "round" => {
                let [x, digits] = args.try_into().map_err(|a: Vec<Node>| wrong(a.len()))?;
                Num::Round(Box::new(self.number(x)?), self.digits(digits)?)
            }
            "clamp" => {
                let [x, lo, hi] = args.try_into().map_err(|a: Vec<Node>| wrong(a.len()))?;
                Num::Clamp(Box::new([self.number(x)?, self.number(lo)?, self.number(hi)?]))
            }
            _ => {
                let [cond, then, otherwise] = args.try_into().map_err(|a: Vec<Node>| wrong(a.len()))?;
                let cond = self.condition(cond)?;
                Num::If(Box::new(cond), Box::new([self.number(then)?, self.number(otherwise)?]))
            }
        })
    }

    /// `round`'s places must be a literal, so a bad value fails when the plan is saved.
    fn digits(&self, node: Node) -> Parsed<u32> {
        let span = node.span();
        if let Node::Num(NumNode { num: Num::Literal(value), .. }) = node
            && value.fract().is_zero()
            && let Some(digits) = value.to_u32()
            && digits <= MAX_ROUND_DIGITS
        {
            return Ok(digits);
        }
        Err(Box::new(ExprError::InvalidDigits { column: span.start + 1, text: self.text(span) }))
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Evaluation results; errors are boxed so the recursive functions' frames stay small.
type Evaluated<T> = Result<T, Box<ExprError>>;

struct Evaluator<'a> {
    source: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<Decimal>,
}

impl Evaluator<'_> {
    fn text(&self, span: Span) -> String {
        self.source
            .chars()
            .skip(span.start)
            .take(span.end.saturating_sub(span.start))
            .collect::<String>()
            .trim()
            .to_string()
    }

    fn overflow(&self, span: Span) -> Box<ExprError> {
        Box::new(ExprError::Overflow { column: span.start + 1, text: self.text(span) })
    }

    fn num(&self, node: &NumNode) -> Evaluated<Decimal> {
        match &node.num {
            Num::Literal(value) => Ok(*value),
            Num::Var(name) => (self.lookup)(name).ok_or_else(|| {
                Box::new(ExprError::UnknownVariable { column: node.span.start + 1, text: name.clone() })
            }),
            Num::Neg(x) => Ok(-self.num(x)?),
            Num::Chain(first, rest) => self.chain(first, rest),
            Num::Min(args) => self.fold(args, Decimal::min),
            Num::Max(args) => self.fold(args, Decimal::max),
            Num::Abs(x) => Ok(self.num(x)?.abs()),
            Num::Round(x, digits) => Ok(RoundingRule::HalfAwayFromZero.round(self.num(x)?, *digits)),
            Num::Clamp(args) => self.clamp(node.span, args),
            // Only the chosen branch is evaluated, so `if(quota > 0, x / quota, 0)` is safe.
            Num::If(cond, branches) => self.num(&branches[usize::from(!self.cond(cond)?)]),
        }
    }

    fn chain(&self, first: &NumNode, rest: &[(Arith, NumNode)]) -> Evaluated<Decimal> {
        let mut total = self.num(first)?;
        for (op, operand) in rest {
            let value = self.num(operand)?;
            let result = match op {
                Arith::Add => total.checked_add(value),
                Arith::Sub => total.checked_sub(value),
                Arith::Mul => total.checked_mul(value),
                Arith::Div if value.is_zero() => {
                    return Err(Box::new(ExprError::DivisionByZero {
                        column: operand.span.start + 1,
                        text: self.text(operand.span),
                    }));
                }
                Arith::Div => total.checked_div(value),
            };
            // On overflow, quote the chain up to this operand: the part already calculated.
            total = result.ok_or_else(|| self.overflow(first.span.to(operand.span)))?;
        }
        Ok(total)
    }

    fn clamp(&self, span: Span, [x, lo, hi]: &[NumNode; 3]) -> Evaluated<Decimal> {
        let (x, lo, hi) = (self.num(x)?, self.num(lo)?, self.num(hi)?);
        if lo > hi {
            return Err(Box::new(ExprError::ClampBounds { column: span.start + 1, text: self.text(span), lo, hi }));
        }
        Ok(x.max(lo).min(hi))
    }

    fn fold(&self, args: &[NumNode], pick: fn(Decimal, Decimal) -> Decimal) -> Evaluated<Decimal> {
        let mut best: Option<Decimal> = None;
        for arg in args {
            let value = self.num(arg)?;
            best = Some(best.map_or(value, |b| pick(b, value)));
        }
        // The parser guarantees at least two arguments; zero is a harmless answer for none.
        Ok(best.unwrap_or_default())
    }

    fn cond(&self, node: &CondNode) -> Evaluated<bool> {
        match &node.cond {
            Cond::Compare(op, sides) => {
                let (a, b) = (self.num(&sides[0])?, self.num(&sides[1])?);
                Ok(match op {
                    Compare::Lt => a < b,
                    Compare::Le => a <= b,
                    Compare::Gt => a > b,
                    Compare::Ge => a >= b,
                    Compare::Eq => a == b,
                    Compare::Ne => a != b,
                })
            }
            // Short-circuit, so `quota > 0 and x / quota > 1` never divides by zero.
            Cond::All(all) => {
                for c in all {
                    if !self.cond(c)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Cond::Any(any) => {
                for c in any {
                    if self.cond(c)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Cond::Not(x) => Ok(!self.cond(x)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn vars() -> BTreeMap<String, Decimal> {
        [
            ("attainment", dec!(1.8)),
            ("target_incentive", dec!(20000)),
            ("nna", dec!(2500000)),
            ("outflow", dec!(-40000)),
            ("quota", dec!(0)),
            ("fee_revenue", dec!(412345.67)),
            ("x1", dec!(3)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    #[test]
    fn good_expressions_evaluate_exactly() {
        let cases = [
            ("min(attainment, 1.5) * target_incentive", dec!(30000)),
            ("if(nna > 0, nna * 0.001, 0)", dec!(2500)),
            ("if(outflow > 0, outflow * 0.001, 0)", dec!(0)),
            ("12.5%", dec!(0.125)),
            ("fee_revenue * 7%", dec!(28864.1969)),
            ("1 + 2 * 3", dec!(7)),
            ("(1 + 2) * 3", dec!(9)),
            ("10 - 4 - 3", dec!(3)),
            ("24 / 4 / 2", dec!(3)),
            ("-2 * 3", dec!(-6)),
            ("--2", dec!(2)),
            ("2 - -2", dec!(4)),
            ("abs(outflow)", dec!(40000)),
            ("round(2.345, 2)", dec!(2.35)),
            ("round(-2.345, 2)", dec!(-2.35)),
            ("round(fee_revenue, 0)", dec!(412346)),
            ("round(1 / 3, 4)", dec!(0.3333)),
            ("clamp(attainment, 0.5, 1.2)", dec!(1.2)),
            ("clamp(0.1, 0.5, 1.2)", dec!(0.5)),
            ("max(1, x1, 2)", dec!(3)),
            ("min(5, 4, 6, 4.5)", dec!(4)),
            ("if(quota > 0, fee_revenue / quota, 0)", dec!(0)),
            ("if(quota > 0 and fee_revenue / quota > 1, 1, 2)", dec!(2)),
            ("if(quota == 0 or fee_revenue / quota > 1, 1, 2)", dec!(1)),
            ("if(not attainment < 1, 1, 0)", dec!(1)),
            ("if(not (attainment >= 1 and nna != 0), 1, 0)", dec!(0)),
            ("if(attainment <= 1.8, 1, 0)", dec!(1)),
            ("if(attainment >= 1.8, 1, 0) + if(attainment == 1.80, 1, 0)", dec!(2)),
            ("if(1 > 2 or 2 > 1 and 1 > 2, 1, 0)", dec!(0)),
            ("if(((attainment > 1)), 1, 0)", dec!(1)),
            ("0.1 + 0.2", dec!(0.3)),
            ("  x1\t*\n2 ", dec!(6)),
            ("007.50", dec!(7.5)),
        ];
        for (source, expected) in cases {
            let expr = Expr::parse(source).unwrap_or_else(|e| panic!("{source}: {e}"));
            assert_eq!(expr.eval(&vars()), Ok(expected), "{source}");
        }
    }

    #[test]
    fn the_examples_in_docs_expressions_md_work() {
        let vars: BTreeMap<String, Decimal> = [
            ("attainment", dec!(1.25)),
            ("target_incentive", dec!(20000)),
            ("nna", dec!(3000000)),
            ("manager_score", dec!(1.5)),
            ("fee_revenue", dec!(1234.56)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let cases = [
            ("min(attainment, 1.5) * target_incentive", dec!(25000)),
            ("if(nna > 0, nna * 0.1%, 0)", dec!(3000)),
            (
                "if(attainment > 1, target_incentive * (1 + (attainment - 1) * 2), target_incentive * attainment)",
                dec!(30000),
            ),
            ("if(attainment < 80%, 0, attainment * target_incentive)", dec!(25000)),
            ("clamp(manager_score, 0.5, 1.2) * target_incentive", dec!(24000)),
            ("round(fee_revenue * 7%, 0)", dec!(86)),
            ("if(1 > 0, 1, 0) * 3 + abs(-2) + max(0, 1 - 3)", dec!(5)),
        ];
        for (source, expected) in cases {
            assert_eq!(Expr::parse(source).and_then(|e| e.eval(&vars)), Ok(expected), "{source}");
        }
    }

    #[test]
    fn bad_formulas_name_the_column_and_text() {
        let cases = [
            ("", "the formula is empty"),
            ("   ", "the formula is empty"),
            ("a $ b", "at char 3: unexpected character '$'"),
            ("a = b", "at char 3: unexpected character '='"),
            ("if(a && b, 1, 2)", "at char 6: unexpected character '&'"),
            ("1e5", "at char 1: '1e5' is not a valid number; write numbers like 1500, 0.25 or 12.5%"),
            ("1.2.3", "at char 1: '1.2.3' is not a valid number; write numbers like 1500, 0.25 or 12.5%"),
            (".5", "at char 1: '.5' is not a valid number; write numbers like 1500, 0.25 or 12.5%"),
            ("2x", "at char 1: '2x' is not a valid number; write numbers like 1500, 0.25 or 12.5%"),
            (
                "1 + 99999999999999999999999999999",
                "at char 5: '99999999999999999999999999999' is not a valid number; write numbers like 1500, 0.25 or 12.5%",
            ),
            (
                "Quota * 2",
                "at char 1: 'Quota' is not a valid name; names are lower case with underscores, like target_incentive",
            ),
            ("1 +", "at char 4: the formula ends too early; expected a number, a name or '('"),
            ("(1 + 2", "at char 7: the formula ends too early; expected ')'"),
            ("1 + * 2", "at char 5: expected a number, a name or '(', found '*'"),
            ("1 2", "at char 3: expected an operator or the end of the formula, found '2'"),
            ("min(1 2)", "at char 7: expected ',' or ')', found '2'"),
            ("a %", "at char 3: unexpected character '%'"),
            ("and + 1", "at char 1: expected a number, a name or '(', found 'and'"),
            (
                "if(1 < x < 3, 1, 0)",
                "at char 10: expected 'and' or 'or' (comparisons cannot be chained: write a < b and b < c), found '<'",
            ),
            ("sqrt(2)", "at char 1: unknown function 'sqrt'; the functions are min, max, abs, round, clamp and if"),
            ("round(x)", "at char 1: round expects 2 arguments, as in round(x, digits), but got 1"),
            ("1 + round(x)", "at char 5: round expects 2 arguments, as in round(x, digits), but got 1"),
            ("min(x)", "at char 1: min expects at least 2 arguments, as in min(a, b, ...), but got 1"),
            ("abs()", "at char 1: abs expects 1 argument, as in abs(x), but got 0"),
            ("if(a > b, 1)", "at char 1: if expects 3 arguments, as in if(condition, then, otherwise), but got 2"),
            (
                "round(x, 1.5)",
                "at char 10: round needs a whole number of decimal places from 0 to 28, like round(x, 2), not '1.5'",
            ),
            (
                "round(x, d)",
                "at char 10: round needs a whole number of decimal places from 0 to 28, like round(x, 2), not 'd'",
            ),
            (
                "round(x, 29)",
                "at char 10: round needs a whole number of decimal places from 0 to 28, like round(x, 2), not '29'",
            ),
            ("(a > b) * 2", "at char 1: '(a > b)' is a yes/no condition, but a number is needed here"),
            ("a > b", "at char 1: 'a > b' is a yes/no condition, but a number is needed here"),
            ("if(a, 1, 2)", "at char 4: 'a' is a number, but a yes/no condition is needed here"),
            ("if(a > 1, b < 2, 2)", "at char 11: 'b < 2' is a yes/no condition, but a number is needed here"),
            ("if(not a, 1, 2)", "at char 8: 'a' is a number, but a yes/no condition is needed here"),
            ("if(a > 1 and b, 1, 2)", "at char 14: 'b' is a number, but a yes/no condition is needed here"),
            ("-(a > 1)", "at char 2: '(a > 1)' is a yes/no condition, but a number is needed here"),
        ];
        for (source, message) in cases {
            let err = Expr::parse(source).expect_err(source);
            assert_eq!(err.to_string(), message, "{source}");
        }
    }

    #[test]
    fn evaluation_errors_point_at_the_sub_expression() {
        let cases = [
            ("fee_revenue / quota", "at char 15: division by zero: 'quota' is 0"),
            ("1 + fee_revenue / (quota * 2)", "at char 19: division by zero: '(quota * 2)' is 0"),
            ("target_incentive * bonus", "at char 20: unknown variable 'bonus'"),
            ("clamp(x1, 2, 1)", "at char 1: in 'clamp(x1, 2, 1)' the lower bound 2 is above the upper bound 1"),
            (
                "79228162514264337593543950335 * 2 + 1",
                "at char 1: '79228162514264337593543950335 * 2' is too large to calculate",
            ),
        ];
        for (source, message) in cases {
            let err = Expr::parse(source).unwrap().eval(&vars()).expect_err(source);
            assert_eq!(err.to_string(), message, "{source}");
        }
        let bounds =
            BTreeMap::from([("x".to_string(), dec!(1)), ("low".to_string(), dec!(2)), ("high".to_string(), dec!(1))]);
        assert_eq!(
            Expr::parse("clamp(x, low, high)").unwrap().eval(&bounds).unwrap_err().to_string(),
            "at char 1: in 'clamp(x, low, high)' the lower bound 2 is above the upper bound 1"
        );
    }

    #[test]
    fn variables_are_listed_and_checked_before_evaluation() {
        let expr = Expr::parse("if(nna > 0, nna * rate, floor) + bonus_pot").unwrap();
        assert_eq!(expr.variables().into_iter().collect::<Vec<_>>(), vec!["bonus_pot", "floor", "nna", "rate"]);
        assert_eq!(expr.check_variables(&["nna", "rate", "floor", "bonus_pot"]), Ok(()));
        let err = expr.check_variables(&["nna", "bonus_pot"]).unwrap_err();
        assert_eq!(err, ExprError::UnknownVariable { column: 19, text: "rate".into() });
        assert_eq!(err.column(), Some(19));
        assert!(Expr::parse("min(2, 3)").unwrap().variables().is_empty());
    }

    #[test]
    fn limits_stop_runaway_formulas() {
        let deep = format!("{}1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(Expr::parse(&deep).unwrap().eval(&BTreeMap::new()), Ok(dec!(1)));
        let too_deep = format!("{}1{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        assert_eq!(Expr::parse(&too_deep), Err(ExprError::TooDeep { column: 66, limit: MAX_DEPTH }));
        assert!(matches!(Expr::parse(&"-".repeat(500)), Err(ExprError::TooDeep { .. })));
        assert!(matches!(Expr::parse(&"not ".repeat(200)), Err(ExprError::TooDeep { .. })));
        let long = vec!["1"; 501].join("+");
        assert_eq!(Expr::parse(&long), Err(ExprError::TooLong { length: 1001, limit: MAX_LENGTH }));
        let longest = vec!["1"; 500].join("+");
        assert_eq!(Expr::parse(&longest).unwrap().eval(&BTreeMap::new()), Ok(dec!(500)));
    }

    #[test]
    fn the_deepest_formulas_fit_a_small_stack_even_unoptimised() {
        // WASM gives the engine a 1 MiB stack by default; debug builds use far more stack per
        // call than release builds, so this bounds the worst case with room to spare.
        let n = MAX_DEPTH - 1;
        let formulas = [
            format!("{}1{}", "(1+".repeat(n), ")".repeat(n)),
            format!("{}1{}", "if(1+".repeat(n), ">0,1,0)".repeat(n)),
            format!("{}1{}", "abs(1+".repeat(n), ")".repeat(n)),
            format!("{}1{}", "if(1>0 and 1+".repeat(49), ">0,1,0)".repeat(49)),
            format!("{}1{}", "-(".repeat(n / 2), ")".repeat(n / 2)),
        ];
        for formula in formulas {
            let worker = std::thread::Builder::new().stack_size(1 << 20);
            let value = worker.spawn(move || Expr::parse(&formula).and_then(|e| e.eval(&BTreeMap::new())));
            assert!(value.unwrap().join().unwrap().is_ok());
        }
    }

    #[test]
    fn serde_round_trips_the_source_text() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        struct Holder {
            formula: Expr,
        }
        let json = r#"{"formula":"min(attainment, 1.5)  *  target_incentive"}"#;
        let holder: Holder = serde_json::from_str(json).unwrap();
        assert_eq!(holder.formula.eval(&vars()), Ok(dec!(30000)));
        assert_eq!(serde_json::to_string(&holder).unwrap(), json);
        let err = serde_json::from_str::<Holder>(r#"{"formula":"min(1"}"#).unwrap_err();
        assert!(err.to_string().contains("at char 6: the formula ends too early"), "{err}");
        assert_eq!("1+1".parse::<Expr>().unwrap().to_string(), "1+1");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(Expr::parse("1 + £2").unwrap_err(), ExprError::UnexpectedCharacter { column: 5, text: "£".into() });
        assert_eq!(
            Expr::parse("'£' + 2 $").unwrap_err(),
            ExprError::UnexpectedCharacter { column: 1, text: "'".into() }
        );
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(source in "\\PC{0,80}") {
            let _ = Expr::parse(&source);
        }

        #[test]
        fn formula_like_text_never_panics_and_round_trips(
            source in "[a-z0-9_ .%+*/(),<>=!-]{0,60}|(min|max|if|round|clamp|abs|not|and|or|[a-c]|[0-9]|[0-9]\\.[0-9]+%?|[-+*/(),<>]|>=|<=|==|!=| ){0,40}",
            a in -1_000_000i64..1_000_000, b in -1_000i64..1_000, c in 0i64..3,
        ) {
            if let Ok(expr) = Expr::parse(&source) {
                let vars = BTreeMap::from([
                    ("a".to_string(), Decimal::new(a, 2)),
                    ("b".to_string(), Decimal::new(b, 3)),
                    ("c".to_string(), Decimal::from(c)),
                ]);
                let _ = expr.eval(&vars);
                prop_assert_eq!(Expr::parse(&expr.to_string()), Ok(expr.clone()));
                let json = serde_json::to_string(&expr).unwrap();
                prop_assert_eq!(serde_json::from_str::<Expr>(&json).unwrap(), expr);
            }
        }
    }
}
