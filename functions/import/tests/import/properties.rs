//! Invariants: no input makes parsing panic, and applying a plan then planning the same batch
//! again writes nothing (the idempotency re-sends rely on).

use crate::support;
use plumbline_engine::Currency;
use plumbline_import::{FirmIndex, ImportKind, ImportRejected, Records, parse, plan};
use plumbline_store::{Item, Write};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn index() -> FirmIndex {
    let f = support::test_firm();
    FirmIndex::new(Some(Currency::new("USD")), f.people, f.teams, f.clients, f.opportunities)
}

/// Applies a plan's writes to an in-memory copy of the items, as a store would.
fn apply(items: &mut BTreeMap<(String, String), Item>, groups: &[Vec<Write>]) {
    for w in groups.iter().flatten() {
        match w {
            Write::Put { item, .. } => {
                items.insert((item.pk.clone(), item.sk.clone()), item.clone());
            }
            Write::Delete { pk, sk, .. } => {
                items.remove(&(pk.clone(), sk.clone()));
            }
        }
    }
}

const STAGES: [&str; 6] = ["prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"];

/// Opportunities in our own columns: (owner index, stage index, amount cents, close day offset).
fn file(rows: &[(usize, usize, u32, u32)]) -> String {
    let mut csv = String::from("id,owner_id,client_id,stage,amount,created,close_date\n");
    for (i, (owner, stage, cents, days)) in rows.iter().enumerate() {
        let (owner, client) = if owner % 2 == 0 { ("P2", "C1") } else { ("P3", "C2") };
        let close = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(u64::from(*days));
        csv.push_str(&format!(
            "X{i},{owner},{client},{},{}.{:02},2026-01-01,{close}\n",
            STAGES[*stage],
            cents / 100,
            cents % 100
        ));
    }
    csv
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn parsing_never_panics_and_rejections_name_the_file(bytes in proptest::collection::vec(any::<u8>(), 0..400), k in 0usize..ImportKind::ALL.len()) {
        let kind = ImportKind::ALL[k];
        match parse(kind, "fuzz.csv", &bytes, None, &index()) {
            Ok(batch) => prop_assert!(batch.records.len() <= batch.rows),
            Err(ImportRejected::Invalid { problems, .. }) => {
                prop_assert!(!problems.is_empty());
                prop_assert!(problems.iter().all(|p| p.file == "fuzz.csv" && !p.message.is_empty()));
            }
            Err(other) => prop_assert!(false, "unexpected {other:?}"),
        }
    }

    #[test]
    fn a_planned_batch_planned_again_writes_nothing(
        rows in proptest::collection::vec((0usize..2, 0usize..6, 0u32..10_000_000, 0u32..700), 1..60),
        changes in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..6, 0u32..700), 0..10),
    ) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let first = parse(ImportKind::Opportunities, "a.csv", file(&rows).as_bytes(), None, &index()).expect("valid");
        let mut items = BTreeMap::new();
        let p = plan::plan(&first, &[], today).unwrap();
        prop_assert_eq!((p.counts.created, p.counts.history), (rows.len(), rows.len()));
        apply(&mut items, &p.groups);
        let stored: Vec<Item> = items.values().cloned().collect();
        let again = plan::plan(&first, &stored, today).unwrap();
        prop_assert!(again.groups.is_empty());
        prop_assert_eq!(again.counts.unchanged, rows.len());

        // Change stages, close dates and owners: one history entry per changed stage or date.
        let mut changed = rows.clone();
        for (at, stage, days) in &changes {
            let r = &mut changed[at.index(rows.len())];
            r.1 = *stage;
            r.3 = *days;
            r.0 += 1;
        }
        let second = parse(ImportKind::Opportunities, "b.csv", file(&changed).as_bytes(), None, &index()).expect("valid");
        let expected: usize = rows.iter().zip(&changed).map(|(a, b)| usize::from(a.1 != b.1) + usize::from(a.3 != b.3)).sum();
        let update = plan::plan(&second, &stored, today).unwrap();
        prop_assert_eq!(update.counts.history, expected);
        apply(&mut items, &update.groups);
        let stored: Vec<Item> = items.values().cloned().collect();
        prop_assert!(plan::plan(&second, &stored, today).unwrap().groups.is_empty());
        // Exactly one item per opportunity, wherever its owner moved it.
        let Records::Opportunities(records) = &second.records else { panic!() };
        let opp_items = items.keys().filter(|(pk, _)| pk.starts_with("OPP#")).count();
        prop_assert_eq!(opp_items, records.len());
    }
}
