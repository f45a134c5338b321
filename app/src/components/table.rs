use leptos::prelude::*;

/// A data table that scrolls sideways on a phone: a caption, column headings (a heading
/// starting with `#` is right-aligned for numbers, the `#` dropped) and the caller's rows.
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
    /// The `<tr>` rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table class="data">
                <caption class:visually-hidden=!show_caption>{caption}</caption>
                <thead>
                    <tr>
                        {headers
                            .into_iter()
                            .map(|h| match h.strip_prefix('#') {
                                Some(n) => view! { <th scope="col" class="num">{n}</th> }.into_any(),
                                None => view! { <th scope="col">{h}</th> }.into_any(),
                            })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
