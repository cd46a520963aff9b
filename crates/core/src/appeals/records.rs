//! What one appeal contributes to the records of the bodies it passed through, read from its
//! history: received where it arrived, forwarded or handed over where it left, extended,
//! overdue and answered where that happened, escalated against the body whose answer or
//! silence was complained about, and open where it waits now.

use time::Date;

use super::{Appeal, AppealStatus, StepKind};
use crate::obligation::records::{BodyRecord, MonthRecord, Records, Sign};
use crate::BodyId;

/// Adds (or takes back) what `appeal` contributes, as its history and status stand.
pub(crate) fn count(records: &mut Records, appeal: &Appeal, sign: Sign) {
    let mut one = |body: &BodyId, f: &dyn Fn(&mut BodyRecord)| {
        let mut delta = BodyRecord::default();
        f(&mut delta);
        records.apply(body, &delta, sign);
    };
    for step in &appeal.steps {
        let month = month_of(step.on);
        let received = |r: &mut BodyRecord| {
            r.received = 1;
            r.by_month.insert(month.clone(), MonthRecord { received: 1, ..MonthRecord::default() });
        };
        match step.event {
            StepKind::Filed => one(&step.body, &received),
            StepKind::Forwarded | StepKind::Reassigned => {
                let forwarded = step.event == StepKind::Forwarded;
                one(&step.body, &|r| {
                    if forwarded {
                        r.forwarded = 1;
                        r.forwarded_late = u64::from(step.late);
                    } else {
                        r.handed_over = 1;
                    }
                });
                if let Some(to) = &step.to {
                    one(to, &received);
                }
            }
            StepKind::Extended => one(&step.body, &|r| {
                r.extended = 1;
                r.extension_notices_late = u64::from(step.late);
            }),
            StepKind::Overdue => one(&step.body, &|r| {
                r.overdue = 1;
                r.by_month.insert(month.clone(), MonthRecord { overdue: 1, ..MonthRecord::default() });
            }),
            StepKind::Answered => {
                let Some(answer) = &appeal.obligation.answer else { continue };
                one(&step.body, &|r| {
                    let on_time = u64::from(answer.on_time);
                    r.answered = 1;
                    r.answered_on_time = on_time;
                    r.days_to_answer.insert(answer.working_days, 1);
                    r.by_month.insert(
                        month.clone(),
                        MonthRecord { answered: 1, answered_on_time: on_time, ..MonthRecord::default() },
                    );
                })
            }
            StepKind::ClarificationRequested | StepKind::Clarified | StepKind::Rated => {}
        }
    }
    if let Some(complaint) = &appeal.complaint {
        one(&complaint.against, &|r| r.escalated = 1);
    }
    if appeal.status.is_open() {
        let overdue = appeal.status == AppealStatus::Overdue;
        one(appeal.body(), &|r| {
            r.open = 1;
            r.overdue_unanswered = u64::from(overdue);
        });
    }
}

/// `YYYY-MM`, the key of the monthly figures.
pub(crate) fn month_of(on: Date) -> String {
    format!("{:04}-{:02}", on.year(), u8::from(on.month()))
}
