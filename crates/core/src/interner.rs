//! One copy of each id the state stores many times. A case names its bodies, officials and
//! topic on every step; millions of cases name the same thousand bodies. Ids are shared
//! strings ([`crate::BodyId`] and its kin), so a clone of the copy kept here costs no memory,
//! where a clone of the id parsed from each event would keep that event's copy alive.

use std::collections::BTreeSet;

/// The ids seen so far, one copy each. Only ids of accepted events reach it (registered
/// bodies, staff, published topics), so it is as large as the registry, not the log.
#[derive(Clone, Debug)]
pub(crate) struct Interner<T>(BTreeSet<T>);

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner(BTreeSet::new())
    }
}

impl<T: Ord + Clone> Interner<T> {
    /// The kept copy of `id`, keeping `id` if it is the first.
    pub(crate) fn share(&mut self, id: &T) -> T {
        if let Some(kept) = self.0.get(id) {
            return kept.clone();
        }
        self.0.insert(id.clone());
        id.clone()
    }

    /// Replaces `id` by the kept copy.
    pub(crate) fn share_in_place(&mut self, id: &mut T) {
        *id = self.share(id);
    }
}

/// Which copy of an id a state holds is not part of the state: two states that hold the same
/// values are equal.
impl<T> PartialEq for Interner<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<T> Eq for Interner<T> {}

/// The kinds of id a case names over and over.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Names {
    pub(crate) bodies: Interner<crate::BodyId>,
    pub(crate) accounts: Interner<crate::AccountId>,
    pub(crate) topics: Interner<crate::TopicCode>,
    districts: Interner<crate::DistrictId>,
}

impl Names {
    pub(crate) fn locality(&mut self, place: &mut crate::Locality) {
        if let Some(d) = &mut place.district {
            self.districts.share_in_place(d);
        }
    }
}
