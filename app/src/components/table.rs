use crate::components::Money;
use leptos::attr::any_attribute::{AnyAttribute, IntoAnyAttribute};
use leptos::attr::custom::custom_attribute;
use leptos::prelude::*;
use plumbline_engine::Currency;
use rust_decimal::Decimal;

/// Attributes of a row or cell, e.g. `("data-testid", "audit-row")`.
pub type Attrs = Vec<(&'static str, String)>;

/// One cell of a [`DataTable`] row: plain data, so every table shares one rendering.
pub enum Cell {
    /// Text, a number, code, a link or money (see the constructors).
    Plain(Plain),
    /// Anything else, rendered as given (it supplies its own `<td>`): a cell that changes.
    View(AnyView),
}

/// A cell's content and how it is shown.
#[derive(Default)]
pub struct Plain {
    text: String,
    head: bool,
    num: bool,
    code: bool,
    href: Option<String>,
    note: Option<String>,
    aside: Option<String>,
    money: Option<(Decimal, Currency)>,
    attrs: Attrs,
}

impl Cell {
    /// Text.
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Plain(Plain { text: text.into(), ..Plain::default() })
    }

    /// A right-aligned number.
    pub fn num(text: impl Into<String>) -> Self {
        Cell::Plain(Plain { text: text.into(), num: true, ..Plain::default() })
    }

    /// An id or other code-like text.
    pub fn code(text: impl Into<String>) -> Self {
        Cell::Plain(Plain { text: text.into(), code: true, ..Plain::default() })
    }

    /// The row's heading (`<th scope="row">`), e.g. a person's name.
    pub fn head(text: impl Into<String>) -> Self {
        Cell::Plain(Plain { text: text.into(), head: true, ..Plain::default() })
    }

    /// A right-aligned amount as the statements write it, with the exact decimal in
    /// `data-amount` (see [`Money`]).
    pub fn money(amount: Decimal, currency: &Currency) -> Self {
        Cell::Plain(Plain { num: true, money: Some((amount, currency.clone())), ..Plain::default() })
    }

    /// Links the text to `href`.
    pub fn link(self, href: impl Into<String>) -> Self {
        self.with(|p| p.href = Some(href.into()))
    }

    /// A second, quieter line under the text.
    pub fn note(self, note: impl Into<String>) -> Self {
        self.with(|p| p.note = Some(note.into()))
    }

    /// A muted id or remark after the text, on the same line.
    pub fn aside(self, aside: impl Into<String>) -> Self {
        self.with(|p| p.aside = Some(aside.into()))
    }

    /// An attribute on the cell, e.g. `data-testid`.
    pub fn attr(self, name: &'static str, value: impl Into<String>) -> Self {
        self.with(|p| p.attrs.push((name, value.into())))
    }

    fn with(self, change: impl FnOnce(&mut Plain)) -> Self {
        match self {
            Cell::Plain(mut p) => {
                change(&mut p);
                Cell::Plain(p)
            }
            view => view,
        }
    }
}

/// One row: its attributes and cells.
pub struct Row {
    /// Attributes of the `<tr>`, e.g. `data-testid`.
    pub attrs: Attrs,
    /// The cells, in the headers' order.
    pub cells: Vec<Cell>,
}

impl Row {
    /// A row of `cells` with no attributes.
    pub fn new(cells: Vec<Cell>) -> Self {
        Row { attrs: Vec::new(), cells }
    }

    /// An attribute on the row.
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attrs.push((name, value.into()));
        self
    }
}

/// A data table that scrolls sideways on a phone: a caption, column headings (a heading
/// starting with `#` is right-aligned for numbers, the `#` dropped) and rows of plain cells.
/// Every table in the app is this one component, so its rendering is in the WASM once.
#[component]
pub fn DataTable(
    /// What the table lists (read by screen readers; shown when `show_caption`).
    #[prop(into)]
    caption: String,
    /// Column headings.
    headers: Vec<&'static str>,
    /// Show the caption above the table.
    #[prop(optional)]
    show_caption: bool,
    /// The rows.
    rows: Vec<Row>,
) -> impl IntoView {
    table(caption, headers, show_caption, rows)
}

#[inline(never)]
fn table(caption: String, headers: Vec<&'static str>, show_caption: bool, rows: Vec<Row>) -> AnyView {
    view! {
        <div class="table-scroll">
            <table class="data">
                <caption class:visually-hidden=!show_caption>{caption}</caption>
                <thead>
                    <tr>
                        {headers
                            .into_iter()
                            .map(|h| {
                                let (text, num) = h.strip_prefix('#').map_or((h, false), |n| (n, true));
                                view! { <th scope="col" class:num=num>{text}</th> }
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{rows.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn attributes(attrs: Attrs) -> Vec<AnyAttribute> {
    attrs.into_iter().map(|(name, value)| custom_attribute(name, value).into_any_attr()).collect()
}

fn row(row: Row) -> AnyView {
    let attrs = attributes(row.attrs);
    view! { <tr {..attrs}>{row.cells.into_iter().map(|c| cell(c, false)).collect_view()}</tr> }.into_any()
}

/// Labelled figures (`<dl class="facts">`): each a label and a plain [`Cell`] as its value, so
/// every such list shares one rendering with the tables.
#[component]
pub fn Facts(
    /// Each figure's label and value.
    items: Vec<(String, Cell)>,
    /// Attributes of the list, e.g. `data-testid`.
    #[prop(optional)]
    attrs: Attrs,
) -> impl IntoView {
    facts(items, attrs)
}

#[inline(never)]
fn facts(items: Vec<(String, Cell)>, attrs: Attrs) -> AnyView {
    let attrs = attributes(attrs);
    view! {
        <dl {..attrs} class="facts">
            {items.into_iter().map(|(label, value)| view! { <div><dt>{label}</dt>{cell(value, true)}</div> }).collect_view()}
        </dl>
    }
    .into_any()
}

/// A cell as `<td>` / `<th>`, or as a `<dd>` in a list of facts.
fn cell(cell: Cell, listed: bool) -> AnyView {
    let p = match cell {
        Cell::View(view) => return view,
        Cell::Plain(p) => p,
    };
    let content = match (p.money, p.href) {
        (Some((amount, currency)), _) => view! { <Money amount=amount currency=currency/> }.into_any(),
        (None, Some(href)) => view! { <a href=href>{p.text}</a> }.into_any(),
        (None, None) if p.code => view! { <code>{p.text}</code> }.into_any(),
        (None, None) => p.text.into_any(),
    };
    let aside = p.aside.map(|a| view! { " " <span class="muted">{a}</span> });
    let note = p.note.map(|n| view! { <br/><span class="meta">{n}</span> });
    let attrs = attributes(p.attrs);
    let num = p.num;
    if listed {
        view! { <dd {..attrs}>{content}{aside}{note}</dd> }.into_any()
    } else if p.head {
        view! { <th {..attrs} scope="row" class:num=num>{content}{aside}{note}</th> }.into_any()
    } else {
        view! { <td {..attrs} class:num=num>{content}{aside}{note}</td> }.into_any()
    }
}
