//! Who the demo's history acts as: the demo accounts one can sign in to (the README lists
//! them), the applicants among them with their fictional identities, and the staff of the
//! bodies that handled appeals in the past, whose passwords are random and never shown.
//! All of them are ordinary accounts in the private store, created through the same call as
//! a sign-up.

use std::collections::HashMap;

use dauys_core::{AccountId, Role};

use crate::people::{IdentityClaim, People, PeopleError};

/// Everyone the history acts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    Admin,
    /// Official of the Astana akimat and the Esil district akimat.
    Official,
    /// Сәуле Ахметова, Esil district of Astana: writes in Kazakh, sometimes in Russian too.
    Citizen,
    Moderator,
    /// Head of the Astana housing and utilities department: extends deadlines.
    Head,
    /// Ирина Ковалёва, Bostandyk district of Almaty: writes in Russian.
    Irina,
    /// Daniyar Seitkali, Almaty district of Astana: writes in English.
    Daniyar,
    /// Бауыржан Оспанов, Al-Farabi district of Shymkent: writes in Kazakh and Russian.
    Baurzhan,
    /// Staff who cannot sign in: officials of the Ministries of Health and of Transport, of
    /// the Astana departments, of the Almaty health department and of the Shymkent akimat.
    HealthMinistry,
    TransportMinistry,
    AstanaDepartments,
    AlmatyHealth,
    Shymkent,
}

/// One account of the demo.
pub struct Member {
    pub who: Who,
    pub email: &'static str,
    /// `None`: a random password no one is told (staff of the past).
    pub password: Option<&'static str>,
    /// What the README and the start-up log say it is.
    pub what: &'static str,
    /// Verified identity: IIN, given name, family name, locality.
    pub identity: Option<(&'static str, &'static str, &'static str, &'static str)>,
    /// The roles the demo's administrator granted it, with their body.
    pub roles: &'static [(Role, Option<&'static str>)],
}

/// Every demo account. The first four are the ones a demo had before it had appeals.
pub const MEMBERS: &[Member] = &[
    Member {
        who: Who::Admin,
        email: "admin@demo.dauys.kz",
        password: Some("demo admin password"),
        what: "administrator",
        identity: None,
        roles: &[],
    },
    Member {
        who: Who::Official,
        email: "official@demo.dauys.kz",
        password: Some("demo official password"),
        what: "official of akimat-astana and akimat-astana-esil",
        identity: None,
        roles: &[(Role::Official, Some("akimat-astana")), (Role::Official, Some("akimat-astana-esil"))],
    },
    Member {
        who: Who::Citizen,
        email: "citizen@demo.dauys.kz",
        password: Some("demo citizen password"),
        what: "verified citizen of Astana, Esil district (fictional IIN 950612401237)",
        identity: Some(("950612401237", "Сәуле", "Ахметова", "astana/esil")),
        roles: &[],
    },
    Member {
        who: Who::Moderator,
        email: "moderator@demo.dauys.kz",
        password: Some("demo moderator password"),
        what: "petition moderator",
        identity: None,
        roles: &[(Role::Moderator, None)],
    },
    Member {
        who: Who::Head,
        email: "head@demo.dauys.kz",
        password: Some("demo head password"),
        what: "head of astana-housing (the Astana housing and utilities department)",
        identity: None,
        roles: &[(Role::Head, Some("astana-housing"))],
    },
    Member {
        who: Who::Irina,
        email: "irina@demo.dauys.kz",
        password: Some("demo irina password"),
        what: "verified citizen of Almaty, Bostandyk district (fictional IIN 880304401237)",
        identity: Some(("880304401237", "Ирина", "Ковалёва", "almaty-city/bostandyk")),
        roles: &[],
    },
    Member {
        who: Who::Daniyar,
        email: "daniyar@demo.dauys.kz",
        password: Some("demo daniyar password"),
        what: "verified citizen of Astana, Almaty district (fictional IIN 911125301239)",
        identity: Some(("911125301239", "Daniyar", "Seitkali", "astana/almaty")),
        roles: &[],
    },
    Member {
        who: Who::Baurzhan,
        email: "baurzhan@demo.dauys.kz",
        password: Some("demo baurzhan password"),
        what: "verified citizen of Shymkent, Al-Farabi district (fictional IIN 790720301233)",
        identity: Some(("790720301233", "Бауыржан", "Оспанов", "shymkent/al-farabi")),
        roles: &[],
    },
    Member {
        who: Who::HealthMinistry,
        email: "staff.mz@demo.dauys.kz",
        password: None,
        what: "official of mz",
        identity: None,
        roles: &[(Role::Official, Some("mz"))],
    },
    Member {
        who: Who::TransportMinistry,
        email: "staff.mt@demo.dauys.kz",
        password: None,
        what: "official of mt",
        identity: None,
        roles: &[(Role::Official, Some("mt"))],
    },
    Member {
        who: Who::AstanaDepartments,
        email: "staff.astana@demo.dauys.kz",
        password: None,
        what: "official of astana-housing, astana-roads and astana-education",
        identity: None,
        roles: &[
            (Role::Official, Some("astana-housing")),
            (Role::Official, Some("astana-roads")),
            (Role::Official, Some("astana-education")),
        ],
    },
    Member {
        who: Who::AlmatyHealth,
        email: "staff.almaty-health@demo.dauys.kz",
        password: None,
        what: "official of almaty-health",
        identity: None,
        roles: &[(Role::Official, Some("almaty-health"))],
    },
    Member {
        who: Who::Shymkent,
        email: "staff.shymkent@demo.dauys.kz",
        password: None,
        what: "official of akimat-shymkent",
        identity: None,
        roles: &[(Role::Official, Some("akimat-shymkent"))],
    },
];

impl Who {
    pub fn member(self) -> &'static Member {
        match MEMBERS.iter().find(|m| m.who == self) {
            Some(m) => m,
            None => unreachable!("every demo person is a member: {self:?}"),
        }
    }
}

impl Member {
    /// What an administrator checked in person, for a member with an identity.
    pub fn claim(&self) -> Option<IdentityClaim> {
        let (iin, given_name, family_name, locality) = self.identity?;
        Some(IdentityClaim {
            iin: iin.into(),
            given_name: given_name.into(),
            family_name: family_name.into(),
            locality: locality.parse().ok()?,
        })
    }
}

/// The demo accounts one can sign in to: (e-mail, password, what it is).
pub fn sign_in_accounts() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    MEMBERS.iter().filter_map(|m| Some((m.email, m.password?, m.what)))
}

/// Creates every member's account (as a sign-up does) and returns their ids. Blocking
/// (password hashing). Fails if an address is taken: the private store then belongs to
/// another log than the empty one the history is written to.
pub fn create_accounts(people: &People) -> Result<HashMap<Who, AccountId>, PeopleError> {
    let mut ids = HashMap::new();
    for m in MEMBERS {
        let password = match m.password {
            Some(p) => p.to_owned(),
            None => {
                let mut bytes = [0u8; 24];
                getrandom::getrandom(&mut bytes).map_err(|e| PeopleError::Internal(e.to_string()))?;
                hex::encode(bytes)
            }
        };
        let id = people
            .sign_up(m.email, &password)?
            .ok_or_else(|| PeopleError::Internal(format!("the demo account {} exists already", m.email)))?;
        ids.insert(m.who, id);
    }
    Ok(ids)
}
