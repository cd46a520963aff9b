//! Read models fed by the sequencer: the interface between the single writer and the
//! in-memory views that pages and the API read.
//!
//! The sequencer knows no capability. Each read model is a [`Projector`] registered when the
//! application is assembled (`Instance::start` in `lib.rs`); the sequencer feeds every
//! projector each batch it builds and has it publish only once the batch is durable, so a
//! reader never sees what the log does not hold. For one batch:
//!
//! 1. [`Projector::begin`] on the sequencer thread, before the first entry;
//! 2. [`BatchProjection::applied`] after each entry is folded into the state (no I/O: the
//!    sequencer thread is the log's throughput);
//! 3. [`BatchProjection::seal`] once the batch is complete, while the state still matches it;
//! 4. [`BatchProjection::publish`] on the committer thread after the commit. A batch that
//!    is not committed is dropped unpublished, and [`Projector::rebuild`] follows from
//!    what storage holds.
//!
//! Projectors are called in registration order, so a view that others refer to (the
//! [`DeploymentView`]'s bodies, which petitions address) is registered first: readers then
//! never meet a petition whose body they cannot find.
//!
//! What it is not: a place for rules. A projection reads the state the rules produced; it
//! never decides whether an event is accepted.

mod deployment;

pub use deployment::DeploymentView;

use dauys_core::{Entry, State};

/// A read model kept by the sequencer.
pub trait Projector: Send + Sync {
    /// Replaces everything with what `state` holds: at start, and after storage was
    /// reloaded because a commit failed.
    fn rebuild(&self, state: &State);

    /// Starts collecting what one batch changes (sequencer thread).
    fn begin(&self) -> Box<dyn BatchProjection>;
}

/// What one batch changes in one read model, collected on the sequencer thread and
/// published on the committer thread.
pub trait BatchProjection: Send {
    /// Called after `entry` was applied to `state`; `state` already includes it.
    fn applied(&mut self, state: &State, entry: &Entry);

    /// Called once every entry of the batch is applied, before it is committed. `log_size`
    /// is the log's size once the batch is in. Views that need only the entries keep the
    /// default, which does nothing.
    fn seal(&mut self, state: &State, log_size: u64) {
        let _ = (state, log_size);
    }

    /// Makes the batch visible to readers, after it is durable.
    fn publish(self: Box<Self>);
}
