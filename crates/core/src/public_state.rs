//! The public summary of the state: what `dauys replay`, `dauys audit` and `/api/v1/state`
//! print. Each capability gives its own figures ([`crate::capability::Capability::summary`]);
//! the summary holds them under the capability's name, and the JSON object has their members
//! side by side with the log's own.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// Makes [`PublicState`] with one member per capability, from `for_each_capability!` in
/// `lib.rs`; each summary type is named through its capability's module.
macro_rules! public_state {
    ($($capability:ident: $ty:ident => $summary:ident),+ $(,)?) => {
        /// A summary of the public state, for `dauys replay`, `dauys audit` and the JSON API.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct PublicState {
            pub size: u64,
            pub last_timestamp: Option<Timestamp>,
            /// Entries by event type.
            pub counts: BTreeMap<String, u64>,
            $(
                #[serde(flatten)]
                pub $capability: crate::$capability::$summary,
            )+
        }

        impl fmt::Display for PublicState {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.last_timestamp {
                    Some(t) => writeln!(f, "Ledger: {} entries, last at {t}", self.size)?,
                    None => writeln!(f, "Ledger: {} entries", self.size)?,
                }
                $(writeln!(f, "{}", self.$capability)?;)+
                let counts: Vec<String> = self.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
                write!(f, "Events: {}", counts.join(", "))
            }
        }
    };
}

for_each_capability!(public_state);
