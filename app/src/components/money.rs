use leptos::prelude::*;
use plumbline_engine::Currency;
use plumbline_engine::format::money;
use rust_decimal::Decimal;

/// An amount as the statements write it (`£1,234.56`), with the exact decimal in `data-amount`.
#[component]
pub fn Money(amount: Decimal, currency: Currency) -> impl IntoView {
    let negative = amount.is_sign_negative() && !amount.is_zero();
    view! {
        <span class="money" class:negative=negative data-amount=amount.to_string()>
            {money(amount, &currency)}
        </span>
    }
}
