//! `plumbline plan-quotas` and `plumbline balance-territories`: the planning library run on the
//! demo firm, printed for designers (or as JSON, exactly what an API route would return).

use anyhow::{Context, bail};
use plumbline_demo::{DEFAULT_AS_OF, DEFAULT_SEED, DemoOptions};
use plumbline_firm::{Division, Firm};
use plumbline_planning::firm::{Scope, quota_request, territory_request};
use plumbline_planning::{Method, balance_territories, plan_quotas};
use rust_decimal::Decimal;

/// Which demo firm and which part of it.
#[derive(clap::Args)]
pub struct DemoScope {
    /// Seed of the demo firm.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// The demo firm's "today"; planning is for the next plan year.
    #[arg(long, default_value = DEFAULT_AS_OF)]
    as_of: chrono::NaiveDate,
    /// `wealth`, `asset-servicing` or a team id such as `T-WM-1`.
    #[arg(long, default_value = "wealth")]
    scope: String,
    /// Print the full answer as JSON instead of the summary.
    #[arg(long)]
    json: bool,
}

impl DemoScope {
    fn load(&self) -> anyhow::Result<(Firm, Scope)> {
        let (firm, _) = plumbline_demo::generate(&DemoOptions { seed: self.seed, as_of: self.as_of });
        let scope = match self.scope.as_str() {
            "wealth" => Scope::Division(Division::Wealth),
            "asset-servicing" => Scope::Division(Division::AssetServicing),
            team if firm.teams.iter().any(|t| t.id == team) => Scope::Team(team.to_string()),
            other => bail!("--scope: {other} is neither wealth, asset-servicing nor a team id"),
        };
        Ok((firm, scope))
    }
}

/// Arguments of `plumbline plan-quotas`.
#[derive(clap::Args)]
pub struct PlanQuotasArgs {
    #[command(flatten)]
    demo: DemoScope,
    /// Growth of the target over last year's quotas, in percent.
    #[arg(long, default_value = "8")]
    growth: Decimal,
    /// `potential`, `history`, `capacity` or `blend`.
    #[arg(long, default_value = "blend")]
    method: String,
    /// Blend weights of potential, history and capacity.
    #[arg(long, default_value = "0.5,0.4,0.1")]
    weights: String,
}

fn method(name: &str, weights: &str) -> anyhow::Result<Method> {
    Ok(match name {
        "potential" => Method::Potential,
        "history" => Method::History,
        "capacity" => Method::Capacity,
        "blend" => {
            let w: Vec<Decimal> = weights
                .split(',')
                .map(|w| w.trim().parse().with_context(|| format!("--weights: {w} is not a number")))
                .collect::<anyhow::Result<_>>()?;
            let [potential, history, capacity] = w[..] else {
                bail!("--weights: give three weights (potential, history, capacity), not {}", w.len())
            };
            Method::Blend { potential, history, capacity }
        }
        other => bail!("--method: {other} is not potential, history, capacity or blend"),
    })
}

fn ratio(x: Option<f64>) -> String {
    x.map_or("-".into(), |x| format!("{x:.2}"))
}

/// Runs `plumbline plan-quotas`.
pub fn run_plan_quotas(args: PlanQuotasArgs) -> anyhow::Result<()> {
    let (firm, scope) = args.demo.load()?;
    let mut req = quota_request(&firm, &scope);
    req.target = (req.target * (Decimal::ONE + args.growth / Decimal::ONE_HUNDRED)).round_dp(req.minor_digits);
    req.method = method(&args.method, &args.weights)?;
    let plan = plan_quotas(&req)?;
    if args.demo.json {
        println!("{}", serde_json::to_string_pretty(&plan)?);
        return Ok(());
    }
    println!(
        "Quotas for {} sellers ({}), plan year from {}: target {} = last year's quotas + {}%",
        plan.sellers.len(),
        args.demo.scope,
        req.plan_year_start,
        plan.target,
        args.growth
    );
    println!(
        "Data-driven: {}. Beside it: last year + x%, x = {}%.\n",
        plan.data_driven.label,
        plan.implied_uplift * Decimal::ONE_HUNDRED
    );
    println!(
        "{:<24} {:>14} {:>14} {:>13}  {:>9} {:>9}  {:>9} {:>9}",
        "seller", "data-driven", "last yr + x%", "difference", "Q/P dd", "Q/P ly", "att. dd", "att. ly"
    );
    for (i, row) in plan.comparison.rows.iter().enumerate() {
        let (d, s) = (&plan.data_driven.fairness.sellers[i], &plan.spread_around.fairness.sellers[i]);
        println!(
            "{:<24} {:>14} {:>14} {:>13}  {:>9} {:>9}  {:>9} {:>9}",
            row.name,
            row.data_driven,
            row.spread_around,
            row.difference,
            ratio(d.quota_to_potential),
            ratio(s.quota_to_potential),
            ratio(d.attainment_p50),
            ratio(s.attainment_p50)
        );
    }
    println!("\n{:<62} {:>12} {:>12}", "fairness", "data-driven", "last yr + x%");
    for m in &plan.comparison.metrics {
        println!("{:<62} {:>12.4} {:>12.4}", m.label, m.data_driven, m.spread_around);
    }
    println!("\nSellers by median expected attainment (data-driven / last year + x%):");
    for (d, s) in
        plan.data_driven.fairness.attainment.buckets.iter().zip(&plan.spread_around.fairness.attainment.buckets)
    {
        println!("  {:<14} {:>4} / {:<4}", d.label, d.sellers, s.sellers);
    }
    println!("\nQ/P: share of quota over share of potential (1.00 = in line); att.: median simulated attainment.");
    Ok(())
}

/// Arguments of `plumbline balance-territories`.
#[derive(clap::Args)]
pub struct BalanceArgs {
    #[command(flatten)]
    demo: DemoScope,
    /// Most accounts that may move, in percent of all accounts.
    #[arg(long, default_value = "10")]
    max_moved: Decimal,
    /// Client segments that are named accounts and never move (repeatable).
    #[arg(long, default_values_t = ["uhnw".to_string()])]
    lock_segment: Vec<String>,
    /// Objective cost per moved account (0: only the cap limits moves).
    #[arg(long, default_value_t = 0.0)]
    move_penalty: f64,
    /// How many moves to print with their reasons.
    #[arg(long, default_value_t = 10)]
    show_moves: usize,
}

/// Runs `plumbline balance-territories`.
pub fn run_balance_territories(args: BalanceArgs) -> anyhow::Result<()> {
    let (firm, scope) = args.demo.load()?;
    let mut req = territory_request(&firm, &scope, args.max_moved / Decimal::ONE_HUNDRED);
    req.move_penalty = args.move_penalty;
    for account in req.accounts.iter_mut() {
        let client = firm.clients.iter().find(|c| c.id == account.id).context("account without a client")?;
        account.locked = args.lock_segment.contains(&client.segment);
    }
    let proposal = balance_territories(&req)?;
    if args.demo.json {
        println!("{}", serde_json::to_string_pretty(&proposal)?);
        return Ok(());
    }
    let s = &proposal.summary;
    println!(
        "Territories for {} sellers ({}): {} accounts, {} locked ({}); at most {} may move.",
        proposal.sellers.len(),
        args.demo.scope,
        s.accounts,
        s.locked,
        args.lock_segment.join(", "),
        s.max_moves
    );
    println!(
        "Moved {} ({:.1}%). Potential per fair share: spread (CV) {:.3} -> {:.3}, range {:.2}-{:.2} -> {:.2}-{:.2}; workload CV {:.3} -> {:.3}.\n",
        s.moved,
        s.moved_share * 100.0,
        s.potential_before.variation,
        s.potential_after.variation,
        s.potential_before.min,
        s.potential_before.max,
        s.potential_after.min,
        s.potential_after.max,
        s.workload_before.variation,
        s.workload_after.variation
    );
    println!(
        "{:<24} {:>9} {:>16} {:>16} {:>7} {:>7} {:>9} {:>9}",
        "seller", "accounts", "potential before", "potential after", "index", "after", "workload", "after"
    );
    for b in &proposal.sellers {
        println!(
            "{:<24} {:>4}->{:<4} {:>16} {:>16} {:>7.2} {:>7.2} {:>9} {:>9}",
            b.name,
            b.accounts_before,
            b.accounts_after,
            b.potential_before,
            b.potential_after,
            b.potential_index_before,
            b.potential_index_after,
            b.workload_before,
            b.workload_after
        );
    }
    println!("\nMoves ({} of {} shown):", args.show_moves.min(proposal.moves.len()), proposal.moves.len());
    for m in proposal.moves.iter().take(args.show_moves) {
        println!("- {}", m.reason);
    }
    Ok(())
}
