//! The notices' one event. Declared here, gathered into [`crate::Event`] with every
//! capability's (`event.rs`).

/// Hands the notices' events on to `gather_events!`, which builds [`crate::Event`] (see
/// `registry/events.rs` for the shape).
macro_rules! events {
    ($gather:ident [$($pending:tt)*] $($gathered:tt)*) => {
        $gather! { [$($pending)*] $($gathered)*
            notices: Notices {
                events {
                    /// A public notice from the operator (terms, maintenance, results).
                    "notice.published" => NoticePublished { notice: NoticeId, title: LocalizedText, text: LocalizedText },
                }
                operator_acts ["notice.published"]
                validate {
                    Event::NoticePublished { title, text, .. } => {
                        title.validate(crate::text::TextUse::Title)?;
                        text.validate(crate::text::TextUse::Text)?;
                    }
                }
                check_new {
                    Event::NoticePublished { title, text, .. } => {
                        title.check_new(crate::text::TextUse::Title)?;
                        text.check_new(crate::text::TextUse::Text)?;
                    }
                }
            }
        }
    };
}
pub(crate) use events;
