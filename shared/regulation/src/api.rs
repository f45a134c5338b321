//! Wire types of the API routes over regulated pay, for the API and the app to share.

use crate::RegulatedStatement;
use plumbline_firm::api::StatementResponse;
use serde::{Deserialize, Serialize};

/// `GET /api/statements/{person_id}`: the statement response as before, plus the regulated
/// statement when the payee's plan has a regulation section (conduct lines, deferral,
/// vesting, malus, clawback, paid now, unvested balances).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatedStatementResponse {
    /// Every field of the plain statement response, unchanged.
    #[serde(flatten)]
    pub response: StatementResponse,
    /// The regulated statement; absent when the plan is not regulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulated: Option<RegulatedStatement>,
}
