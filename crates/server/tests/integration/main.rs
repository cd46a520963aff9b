//! The server's integration tests, in one binary. Each module was a test binary of its own,
//! and each linked the whole server: fourteen copies of it filled the CI machine's disk. One
//! binary links once; nextest still runs every test in its own process.

mod common;

mod api_contract;
mod appeal_attachments;
mod appeal_pages;
mod appeal_records;
mod demo_history;
mod form_bodies;
mod log_api;
mod mail;
mod people;
mod petition_api;
mod petition_pages;
mod petition_staff;
mod sequencer_faults;
mod sign_in;
