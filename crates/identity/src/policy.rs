//! Authorization, decided in one place: [`authorize`] says whether an [`Actor`] may perform
//! an [`Action`], and if not, why.
//!
//! Handlers ask before they act; none re-implements a rule. The rules:
//!
//! | action | who |
//! |---|---|
//! | own profile, contacts, data download, erasure request, own access log | anyone signed in |
//! | open a person's personal data held by body B | an official or head **of B** |
//! | list people, verify a person manually, import a registry | an administrator |
//! | grant or revoke a role, manage bodies, rotate keys | an administrator |
//! | the auditor's view of access events | an auditor or an administrator |
//! | moderate petitions | a moderator |
//! | moderate a petition addressed to body B | a moderator of the whole deployment, or **of B** |
//! | answer a petition for body B | an official or head **of B** |
//!
//! Staff need no verification of their own identity: they are accountable through their role
//! grants, which an administrator logs under their public account id, and every opening of
//! personal data names that id (the first administrator has nobody who could verify them).

use dauys_core::{AccountId, BodyId};
use std::fmt;

/// Roles, with their stable codes (`citizen`, `moderator`, …; serde uses the same). Shared
/// with the events that grant them.
pub use dauys_core::Role;

/// One role held by an account: officials and heads act for a body; moderators may; the
/// other roles belong to the whole deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleGrant {
    role: Role,
    body: Option<BodyId>,
}

/// Why a role grant is malformed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("the role {role} is always held for a body; name the body")]
    BodyRequired { role: Role },
    #[error("the role {role} belongs to the whole deployment, not to a body")]
    BodyNotAllowed { role: Role },
}

impl GrantError {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            GrantError::BodyRequired { .. } => "grant-body-required",
            GrantError::BodyNotAllowed { .. } => "grant-body-not-allowed",
        }
    }
}

impl RoleGrant {
    /// A grant of `role`, for `body` where the role takes one.
    pub fn new(role: Role, body: Option<BodyId>) -> Result<RoleGrant, GrantError> {
        match (role, &body) {
            (Role::Official | Role::Head, None) => Err(GrantError::BodyRequired { role }),
            (Role::Citizen | Role::Auditor | Role::Administrator, Some(_)) => Err(GrantError::BodyNotAllowed { role }),
            _ => Ok(RoleGrant { role, body }),
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn body(&self) -> Option<&BodyId> {
        self.body.as_ref()
    }
}

/// Who is asking: an anonymous visitor, or a signed-in account with its role grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// `None` for an anonymous visitor, who then has no grants.
    account: Option<AccountId>,
    grants: Vec<RoleGrant>,
}

impl Actor {
    /// A visitor who has not signed in.
    pub fn anonymous() -> Actor {
        Actor { account: None, grants: Vec::new() }
    }

    /// A signed-in account.
    pub fn signed_in(account: AccountId, grants: Vec<RoleGrant>) -> Actor {
        Actor { account: Some(account), grants }
    }

    pub fn account(&self) -> Option<&AccountId> {
        self.account.as_ref()
    }

    pub fn grants(&self) -> &[RoleGrant] {
        &self.grants
    }
}

/// Every protected operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    ViewOwnProfile,
    EditOwnContacts,
    DownloadOwnData,
    RequestErasure,
    /// "Who looked at my data."
    ViewOwnAccessLog,
    /// Open the personal data of a person whose case `body` handles.
    OpenPersonalData {
        body: BodyId,
    },
    ListPeople,
    VerifyPersonManually,
    ImportRegistry,
    GrantRole,
    RevokeRole,
    ManageBodies,
    /// The auditor's view of access events.
    ViewAuditView,
    RotateKeys,
    /// Accept or reject petitions, and invalidate flagged signatures.
    ModeratePetitions,
    /// Moderate one petition addressed to `body`: a moderator bound to a body moderates only
    /// that body's petitions.
    ModeratePetitionTo {
        body: BodyId,
    },
    /// Publish the answer of `body` to a petition that reached its threshold.
    AnswerPetition {
        body: BodyId,
    },
    /// Consider an appeal `body` holds: read it (a private one as an accountable opening),
    /// forward it, ask the applicant to clarify, answer it.
    HandleAppeal {
        body: BodyId,
    },
    /// Extend the deadline of an appeal `body` holds: its head's decision.
    ExtendAppeal {
        body: BodyId,
    },
}

/// Why an action was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("sign in first")]
    NotSignedIn,
    #[error("this needs the role {}", RoleList(needed))]
    MissingRole { needed: &'static [Role] },
    #[error("this needs your role in the body {body}")]
    NotInBody { body: BodyId },
}

impl Denied {
    /// A stable code for logs and problem details.
    pub fn code(&self) -> &'static str {
        match self {
            Denied::NotSignedIn => "not-signed-in",
            Denied::MissingRole { .. } => "missing-role",
            Denied::NotInBody { .. } => "not-in-body",
        }
    }
}

/// `official or head`.
struct RoleList(&'static [Role]);

impl fmt::Display for RoleList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, role) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            f.write_str(role.as_str())?;
        }
        Ok(())
    }
}

const STAFF_OF_BODY: &[Role] = &[Role::Official, Role::Head];
const ADMINISTRATOR: &[Role] = &[Role::Administrator];
const AUDIT: &[Role] = &[Role::Auditor, Role::Administrator];
const MODERATOR: &[Role] = &[Role::Moderator];
const HEAD: &[Role] = &[Role::Head];

/// What an action requires beyond being signed in.
enum Requirement<'a> {
    SignedIn,
    Role {
        any_of: &'static [Role],
    },
    RoleInBody {
        any_of: &'static [Role],
        body: &'a BodyId,
    },
    /// A grant for the whole deployment, or one for `body`.
    RoleForBody {
        any_of: &'static [Role],
        body: &'a BodyId,
    },
}

fn requirement(action: &Action) -> Requirement<'_> {
    match action {
        Action::ViewOwnProfile
        | Action::EditOwnContacts
        | Action::DownloadOwnData
        | Action::RequestErasure
        | Action::ViewOwnAccessLog => Requirement::SignedIn,
        // Staff are accountable through their role grants, which name them on the ledger; their
        // own identity verification is not required (the first administrator has nobody to
        // verify them). Verification gates citizens' own acts, such as signing.
        Action::OpenPersonalData { body } => Requirement::RoleInBody { any_of: STAFF_OF_BODY, body },
        Action::ListPeople
        | Action::VerifyPersonManually
        | Action::ImportRegistry
        | Action::GrantRole
        | Action::RevokeRole
        | Action::ManageBodies
        | Action::RotateKeys => Requirement::Role { any_of: ADMINISTRATOR },
        Action::ViewAuditView => Requirement::Role { any_of: AUDIT },
        Action::ModeratePetitions => Requirement::Role { any_of: MODERATOR },
        Action::ModeratePetitionTo { body } => Requirement::RoleForBody { any_of: MODERATOR, body },
        Action::AnswerPetition { body } | Action::HandleAppeal { body } => {
            Requirement::RoleInBody { any_of: STAFF_OF_BODY, body }
        }
        Action::ExtendAppeal { body } => Requirement::RoleInBody { any_of: HEAD, body },
    }
}

/// May `actor` perform `action`? Checks, in order: signed in, role, body, own verification.
pub fn authorize(actor: &Actor, action: &Action) -> Result<(), Denied> {
    if actor.account.is_none() {
        return Err(Denied::NotSignedIn);
    }
    match requirement(action) {
        Requirement::SignedIn => Ok(()),
        Requirement::Role { any_of } => {
            if !actor.grants.iter().any(|g| any_of.contains(&g.role)) {
                return Err(Denied::MissingRole { needed: any_of });
            }
            Ok(())
        }
        Requirement::RoleInBody { any_of, body } => {
            let mut holders = actor.grants.iter().filter(|g| any_of.contains(&g.role)).peekable();
            if holders.peek().is_none() {
                return Err(Denied::MissingRole { needed: any_of });
            }
            if !holders.any(|g| g.body.as_ref() == Some(body)) {
                return Err(Denied::NotInBody { body: body.clone() });
            }
            Ok(())
        }
        Requirement::RoleForBody { any_of, body } => {
            let mut holders = actor.grants.iter().filter(|g| any_of.contains(&g.role)).peekable();
            if holders.peek().is_none() {
                return Err(Denied::MissingRole { needed: any_of });
            }
            if !holders.any(|g| g.body.as_ref().is_none_or(|b| b == body)) {
                return Err(Denied::NotInBody { body: body.clone() });
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(id: &str) -> BodyId {
        id.parse().unwrap()
    }

    fn grant(role: Role, body_id: Option<&str>) -> RoleGrant {
        RoleGrant::new(role, body_id.map(body)).unwrap()
    }

    fn account() -> AccountId {
        "u-7f3a9c0e51d24b68".parse().unwrap()
    }

    /// The columns of the matrix, in order.
    fn actions() -> Vec<Action> {
        vec![
            Action::ViewOwnProfile,
            Action::EditOwnContacts,
            Action::DownloadOwnData,
            Action::RequestErasure,
            Action::ViewOwnAccessLog,
            Action::OpenPersonalData { body: body("akimat-a") },
            Action::OpenPersonalData { body: body("akimat-b") },
            Action::ListPeople,
            Action::VerifyPersonManually,
            Action::ImportRegistry,
            Action::GrantRole,
            Action::RevokeRole,
            Action::ManageBodies,
            Action::ViewAuditView,
            Action::RotateKeys,
            Action::ModeratePetitions,
            Action::AnswerPetition { body: body("akimat-a") },
            Action::HandleAppeal { body: body("akimat-a") },
            Action::HandleAppeal { body: body("akimat-b") },
            Action::ExtendAppeal { body: body("akimat-a") },
        ]
    }

    /// Every kind of actor against every action, written out by hand.
    /// `Y` allowed; `S` not signed in; `R` missing role; `B` not in body.
    #[test]
    fn authorization_matrix() {
        use Role::*;
        let signed = |grants: Vec<RoleGrant>| Actor::signed_in(account(), grants);
        #[rustfmt::skip]
        let rows: Vec<(&str, Actor, &str)> = vec![
            //                                                           own data  open  admin-pd  admin  aud rot mod ans  appeal
            //                                                           PECDL     A B   L V I     G R M  A   K   M   A    A B ext
            ("anonymous",                Actor::anonymous(),             "SSSSS    S S   S S S     S S S  S   S   S S   S S S"),
            ("signed in, no role",       signed(vec![]),           "YYYYY    R R   R R R     R R R  R   R   R R   R R R"),
            ("citizen grant",            signed(vec![grant(Citizen, None)]),
                                                                         "YYYYY    R R   R R R     R R R  R   R   R R   R R R"),
            ("moderator",                signed(vec![grant(Moderator, None)]),
                                                                         "YYYYY    R R   R R R     R R R  R   R   Y R   R R R"),
            ("moderator of A",           signed(vec![grant(Moderator, Some("akimat-a"))]),
                                                                         "YYYYY    R R   R R R     R R R  R   R   Y R   R R R"),
            ("official of A",            signed(vec![grant(Official, Some("akimat-a"))]),
                                                                         "YYYYY    Y B   R R R     R R R  R   R   R Y   Y B R"),
            ("official of A and B",      signed(vec![grant(Official, Some("akimat-a")), grant(Official, Some("akimat-b"))]),
                                                                         "YYYYY    Y Y   R R R     R R R  R   R   R Y   Y Y R"),
            ("head of A",                signed(vec![grant(Head, Some("akimat-a"))]),
                                                                         "YYYYY    Y B   R R R     R R R  R   R   R Y   Y B Y"),
            ("head of B",                signed(vec![grant(Head, Some("akimat-b"))]),
                                                                         "YYYYY    B Y   R R R     R R R  R   R   R B   B Y B"),
            ("auditor",                  signed(vec![grant(Auditor, None)]),
                                                                         "YYYYY    R R   R R R     R R R  Y   R   R R   R R R"),
            ("administrator",            signed(vec![grant(Administrator, None)]),
                                                                         "YYYYY    R R   Y Y Y     Y Y Y  Y   Y   R R   R R R"),
            ("administrator + official of A", signed(vec![grant(Administrator, None), grant(Official, Some("akimat-a"))]),
                                                                         "YYYYY    Y B   Y Y Y     Y Y Y  Y   Y   R Y   Y B R"),
            ("moderator of A + head of B", signed(vec![grant(Moderator, Some("akimat-a")), grant(Head, Some("akimat-b"))]),
                                                                         "YYYYY    B Y   R R R     R R R  R   R   Y B   B Y B"),
        ];
        let actions = actions();
        for (name, actor, expected) in rows {
            let expected: Vec<char> = expected.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(expected.len(), actions.len(), "row {name}");
            for (action, want) in actions.iter().zip(expected) {
                let got = match authorize(&actor, action) {
                    Ok(()) => 'Y',
                    Err(Denied::NotSignedIn) => 'S',
                    Err(Denied::MissingRole { .. }) => 'R',
                    Err(Denied::NotInBody { .. }) => 'B',
                };
                assert_eq!(got, want, "{name} / {action:?}");
            }
        }
    }

    #[test]
    fn denials_say_what_is_missing() {
        let citizen = Actor::signed_in(account(), vec![]);
        let open_b = Action::OpenPersonalData { body: body("akimat-b") };
        let e = authorize(&citizen, &open_b).unwrap_err();
        assert_eq!(e, Denied::MissingRole { needed: &[Role::Official, Role::Head] });
        assert_eq!(e.to_string(), "this needs the role official or head");
        assert_eq!(e.code(), "missing-role");
        let official_a = Actor::signed_in(account(), vec![grant(Role::Official, Some("akimat-a"))]);
        let e = authorize(&official_a, &open_b).unwrap_err();
        assert_eq!(e, Denied::NotInBody { body: body("akimat-b") });
        assert_eq!(e.to_string(), "this needs your role in the body akimat-b");
        assert_eq!(e.code(), "not-in-body");
        assert_eq!(authorize(&Actor::anonymous(), &Action::ViewOwnProfile).unwrap_err().code(), "not-signed-in");
        let admin = Actor::signed_in(account(), vec![grant(Role::Administrator, None)]);
        assert_eq!(authorize(&admin, &Action::ListPeople), Ok(()));
        let e = authorize(&citizen, &Action::ViewAuditView).unwrap_err();
        assert_eq!(e.to_string(), "this needs the role auditor or administrator");
    }

    #[test]
    fn moderators_bound_to_a_body_moderate_only_its_petitions() {
        let signed = |grants: Vec<RoleGrant>| Actor::signed_in(account(), grants);
        let of_a = Action::ModeratePetitionTo { body: body("akimat-a") };
        let everywhere = signed(vec![grant(Role::Moderator, None)]);
        assert_eq!(authorize(&everywhere, &of_a), Ok(()));
        let moderator_of_a = signed(vec![grant(Role::Moderator, Some("akimat-a"))]);
        assert_eq!(authorize(&moderator_of_a, &of_a), Ok(()));
        let moderator_of_b = signed(vec![grant(Role::Moderator, Some("akimat-b"))]);
        assert_eq!(authorize(&moderator_of_b, &of_a), Err(Denied::NotInBody { body: body("akimat-a") }));
        let official_of_a = signed(vec![grant(Role::Official, Some("akimat-a"))]);
        assert_eq!(authorize(&official_of_a, &of_a), Err(Denied::MissingRole { needed: &[Role::Moderator] }));
        assert_eq!(authorize(&Actor::anonymous(), &of_a), Err(Denied::NotSignedIn));
        // Both grants: the one for the whole deployment decides.
        let both = signed(vec![grant(Role::Moderator, Some("akimat-b")), grant(Role::Moderator, None)]);
        assert_eq!(authorize(&both, &of_a), Ok(()));
    }

    #[test]
    fn grants_take_a_body_exactly_when_the_role_does() {
        for role in [Role::Official, Role::Head] {
            assert_eq!(RoleGrant::new(role, None).unwrap_err(), GrantError::BodyRequired { role });
            assert!(RoleGrant::new(role, Some(body("akimat-a"))).is_ok());
        }
        for role in [Role::Citizen, Role::Auditor, Role::Administrator] {
            let e = RoleGrant::new(role, Some(body("akimat-a"))).unwrap_err();
            assert_eq!(e.code(), "grant-body-not-allowed");
            assert!(RoleGrant::new(role, None).is_ok());
        }
        assert!(RoleGrant::new(Role::Moderator, None).is_ok());
        assert!(RoleGrant::new(Role::Moderator, Some(body("akimat-a"))).is_ok());
        assert_eq!(RoleGrant::new(Role::Head, None).unwrap_err().code(), "grant-body-required");
    }

    #[test]
    fn role_codes_are_stable() {
        let codes: Vec<_> = Role::ALL.iter().map(|r| serde_json::to_string(r).unwrap()).collect();
        assert_eq!(
            codes,
            ["\"citizen\"", "\"moderator\"", "\"official\"", "\"head\"", "\"auditor\"", "\"administrator\""]
        );
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
        }
    }
}
