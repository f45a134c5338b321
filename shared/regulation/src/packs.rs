//! Deferral rule packs shipped as data files in `shared/regulation/packs/`.

use crate::deferral::DeferralSchedule;

/// The shipped packs: id and JSON text.
const PACKS: &[(&str, &str)] = &[("uk-banking-2025", include_str!("../packs/uk-banking-2025.json"))];

/// The ids of the shipped packs.
pub fn ids() -> Vec<&'static str> {
    PACKS.iter().map(|(id, _)| *id).collect()
}

/// A shipped pack by id. The packs are tested to parse and validate, so only an unknown id
/// gives `None`.
pub fn get(id: &str) -> Option<DeferralSchedule> {
    PACKS.iter().find(|(name, _)| *name == id).and_then(|(_, text)| serde_json::from_str(text).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_pack_parses_and_is_valid() {
        for (id, text) in PACKS {
            let schedule: DeferralSchedule = serde_json::from_str(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(schedule.id.as_deref(), Some(*id));
            assert!(schedule.validate().is_empty(), "{id}: {:?}", schedule.validate());
        }
    }
}
