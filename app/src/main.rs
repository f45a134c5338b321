//! Entry point: mount [`plumbline_app::App`] on the page body.

fn main() {
    console_error_panic_hook::set_once();
    // index.html shows "Loading Plumbline…" until the app is ready to take over.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(plumbline_app::App);
}
