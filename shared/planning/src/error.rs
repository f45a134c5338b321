//! Why a planning request was refused, naming the JSON path of the offending input.

use rust_decimal::Decimal;

/// A planning request that cannot be answered; each variant names where the problem is.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanningError {
    /// The target is negative.
    #[error("target: {0} is negative")]
    NegativeTarget(Decimal),
    /// No sellers in scope.
    #[error("sellers: there are no sellers in scope")]
    NoSellers,
    /// Two sellers share an id.
    #[error("sellers[{index}].id: {id} appears twice")]
    DuplicateSeller {
        /// Position of the second one.
        index: usize,
        /// The id.
        id: String,
    },
    /// A full-time equivalent outside 0-1.
    #[error("sellers[{index}].fte: {fte} is not between 0 and 1")]
    BadFte {
        /// Position of the seller.
        index: usize,
        /// The value given.
        fte: Decimal,
    },
    /// Two accounts share an id.
    #[error("accounts[{index}].id: {id} appears twice")]
    DuplicateAccount {
        /// Position of the second one.
        index: usize,
        /// The id.
        id: String,
    },
    /// An account owned by someone not in scope.
    #[error("accounts[{index}].owner_id: {owner} is not a seller in scope")]
    UnknownOwner {
        /// Position of the account.
        index: usize,
        /// The owner given.
        owner: String,
    },
    /// A negative potential or workload.
    #[error("accounts[{index}].{field}: {value} is negative")]
    NegativeAccountValue {
        /// Position of the account.
        index: usize,
        /// `potential` or `workload`.
        field: &'static str,
        /// The value given.
        value: Decimal,
    },
    /// Blend weights that are negative or all zero.
    #[error("method: blend weights must be non-negative and not all zero")]
    BadWeights,
    /// An override for someone not in scope.
    #[error("overrides[{index}].person_id: {person_id} is not a seller in scope")]
    UnknownOverride {
        /// Position of the override.
        index: usize,
        /// The person given.
        person_id: String,
    },
    /// An override without a reason.
    #[error("overrides[{index}].reason: an override needs a reason")]
    MissingReason {
        /// Position of the override.
        index: usize,
    },
    /// A negative override.
    #[error("overrides[{index}].amount: {amount} is negative")]
    NegativeOverride {
        /// Position of the override.
        index: usize,
        /// The amount given.
        amount: Decimal,
    },
    /// Two overrides for one person.
    #[error("overrides[{index}].person_id: {person_id} is overridden twice")]
    DuplicateOverride {
        /// Position of the second one.
        index: usize,
        /// The person.
        person_id: String,
    },
    /// Overrides that leave less than nothing for everyone else.
    #[error("overrides: they total {total}, more than the target {target}")]
    OverridesExceedTarget {
        /// Sum of the overrides.
        total: Decimal,
        /// The target.
        target: Decimal,
    },
    /// Every seller left to allocate to has zero weight under the method.
    #[error("method: every seller left to allocate to has zero {method} weight, so {amount} cannot be split")]
    NothingToAllocateBy {
        /// The method's name.
        method: String,
        /// The amount left.
        amount: Decimal,
    },
    /// A deal probability above 100.
    #[error("pipeline[{index}].probability: {probability} is above 100")]
    BadProbability {
        /// Position of the deal.
        index: usize,
        /// The value given.
        probability: u8,
    },
    /// A share outside 0-1.
    #[error("{field}: {value} is not between 0 and 1")]
    BadShare {
        /// The field.
        field: &'static str,
        /// The value given.
        value: Decimal,
    },
}
