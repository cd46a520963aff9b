//! The people store, one suite on both backends: SQLite (its own file beside the log) and a
//! fresh database on the real PostgreSQL server (`DAUYS_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`).

use std::sync::Barrier;

use dauys_store::people::{people_sqlite_path, AccountRow, OpeningRow, RegistryRow, SessionRow};
use dauys_store::{open, open_private, Batch, FlagRow, MaxConnections, NewEntry, PrivateStore, StoreError};
use dauys_testkit::{Backend, TestDatabase};

fn both(test: impl Fn(TestDatabase, PrivateStore)) {
    for backend in Backend::ALL {
        let db = TestDatabase::new(backend);
        let people =
            open_private(&db.location(), MaxConnections::DEFAULT).unwrap_or_else(|e| panic!("{backend:?}: {e}"));
        test(db, people);
    }
}

fn account(n: u8) -> AccountRow {
    AccountRow {
        id: format!("u-{n:02x}"),
        email_lookup: vec![n; 32],
        password_phc: format!("$argon2id$v=19$m=19456,t=2,p=1$salt{n}$hash"),
        created_at_ms: 1_000 + u64::from(n),
        person: None,
        wrapped_key: Some(vec![0xA0 ^ n; 72]),
        sealed_profile: Some(vec![0xB0 ^ n; 90]),
        email_verified: false,
    }
}

fn session(token: u8, account_id: &str, expires_at_ms: u64) -> SessionRow {
    SessionRow {
        token_hash: vec![token; 32],
        account_id: account_id.to_string(),
        csrf_token: format!("csrf-{token}"),
        created_at_ms: 10,
        expires_at_ms,
    }
}

fn registry_row(n: u8, record: &[u8]) -> RegistryRow {
    RegistryRow {
        iin_lookup: vec![n; 32],
        sealed_record: record.to_vec(),
        code_hash: None,
        code_expires_ms: 0,
        code_attempts: 0,
        claimed_by: None,
    }
}

fn conflict(result: dauys_store::Result<()>) -> &'static str {
    match result {
        Err(StoreError::Conflict { what }) => what,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn not_found<T: std::fmt::Debug>(result: dauys_store::Result<T>) -> &'static str {
    match result {
        Err(StoreError::NotFound { what }) => what,
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn accounts_are_created_found_and_updated() {
    both(|_db, people| {
        let a = account(1);
        people.accounts.create_account(&a).unwrap();
        assert_eq!(people.accounts.account("u-01").unwrap(), Some(a.clone()));
        assert_eq!(people.accounts.account("u-02").unwrap(), None);
        assert_eq!(people.accounts.account_by_email(&[1; 32]).unwrap(), Some(a.clone()));
        assert_eq!(people.accounts.account_by_email(&[2; 32]).unwrap(), None);
        assert_eq!(people.accounts.account_by_person("p1").unwrap(), None);

        // Every mutable field is written; the id and creation time are not.
        let changed = AccountRow {
            email_lookup: vec![0xEE; 32],
            password_phc: "$argon2id$new".into(),
            created_at_ms: 999_999,
            person: Some("p1".into()),
            wrapped_key: Some(vec![9; 72]),
            sealed_profile: None,
            email_verified: true,
            ..a.clone()
        };
        people.accounts.update_account(&changed).unwrap();
        let stored = people.accounts.account("u-01").unwrap().unwrap();
        assert_eq!(stored, AccountRow { created_at_ms: a.created_at_ms, ..changed.clone() });
        assert_eq!(people.accounts.account_by_email(&[0xEE; 32]).unwrap(), Some(stored.clone()));
        assert_eq!(people.accounts.account_by_email(&[1; 32]).unwrap(), None);
        assert_eq!(people.accounts.account_by_person("p1").unwrap(), Some(stored));

        // Setting the pseudonym back to None frees it.
        people.accounts.update_account(&AccountRow { person: None, ..changed }).unwrap();
        assert_eq!(people.accounts.account_by_person("p1").unwrap(), None);

        assert_eq!(not_found(people.accounts.update_account(&account(7))), "account");
    });
}

#[test]
fn accounts_list_in_id_order_and_count() {
    both(|_db, people| {
        assert_eq!(people.accounts.count_accounts().unwrap(), 0);
        assert_eq!(people.accounts.list_accounts(None, 10).unwrap(), vec![]);
        for n in [5, 3, 0x1f, 1, 0xa0, 2] {
            people.accounts.create_account(&account(n)).unwrap();
        }
        assert_eq!(people.accounts.count_accounts().unwrap(), 6);
        let ids = |rows: Vec<AccountRow>| rows.into_iter().map(|a| a.id).collect::<Vec<_>>();
        assert_eq!(ids(people.accounts.list_accounts(None, 4).unwrap()), ["u-01", "u-02", "u-03", "u-05"]);
        assert_eq!(ids(people.accounts.list_accounts(Some("u-05"), 4).unwrap()), ["u-1f", "u-a0"]);
        assert_eq!(ids(people.accounts.list_accounts(Some("u-a0"), 4).unwrap()), Vec::<String>::new());
        assert_eq!(ids(people.accounts.list_accounts(Some("u-0"), 1).unwrap()), ["u-01"]);
        assert_eq!(people.accounts.list_accounts(None, 0).unwrap(), vec![]);
        // Rows come back whole.
        assert_eq!(people.accounts.list_accounts(Some("u-1e"), 1).unwrap(), vec![account(0x1f)]);
    });
}

#[test]
fn duplicates_are_typed_conflicts() {
    both(|_db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        people.accounts.create_account(&account(2)).unwrap();

        // Same email, new id.
        let same_email = AccountRow { id: "u-99".into(), ..account(1) };
        assert_eq!(conflict(people.accounts.create_account(&same_email)), "email");
        // Same id, new email.
        let same_id = AccountRow { email_lookup: vec![0x77; 32], ..account(1) };
        assert_eq!(conflict(people.accounts.create_account(&same_id)), "account id");
        // Same id and same email: either name is true; it must still be a conflict.
        assert!(matches!(people.accounts.create_account(&account(1)), Err(StoreError::Conflict { .. })));

        // One identity, one account: set_person, create_account and update_account.
        people.accounts.set_person("u-01", "person-x").unwrap();
        people.accounts.set_person("u-01", "person-x").unwrap(); // the holder may set it again
        assert_eq!(conflict(people.accounts.set_person("u-02", "person-x")), "person");
        assert_eq!(not_found(people.accounts.set_person("u-nobody", "person-y")), "account");
        let new_with_person = AccountRow { person: Some("person-x".into()), ..account(3) };
        assert_eq!(conflict(people.accounts.create_account(&new_with_person)), "person");
        let updated_to_person = AccountRow { person: Some("person-x".into()), ..account(2) };
        assert_eq!(conflict(people.accounts.update_account(&updated_to_person)), "person");
        // An update to another account's email.
        let updated_to_email = AccountRow { email_lookup: vec![1; 32], ..account(2) };
        assert_eq!(conflict(people.accounts.update_account(&updated_to_email)), "email");

        // Nothing of the refused writes stuck, and the store is still usable.
        assert_eq!(people.accounts.count_accounts().unwrap(), 2);
        assert_eq!(people.accounts.account("u-02").unwrap(), Some(account(2)));
        assert_eq!(people.accounts.account_by_person("person-x").unwrap().unwrap().id, "u-01");
        people.accounts.create_account(&account(3)).unwrap();
        assert_eq!(people.accounts.count_accounts().unwrap(), 3);
    });
}

#[test]
fn sessions_are_created_found_and_deleted() {
    both(|_db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        people.accounts.create_account(&account(2)).unwrap();
        let s = session(1, "u-01", 100);
        people.accounts.create_session(&s).unwrap();
        people.accounts.create_session(&session(2, "u-01", 200)).unwrap();
        people.accounts.create_session(&session(3, "u-01", 300)).unwrap();
        people.accounts.create_session(&session(4, "u-02", 400)).unwrap();
        assert_eq!(people.accounts.session(&[1; 32]).unwrap(), Some(s.clone()));
        assert_eq!(people.accounts.session(&[9; 32]).unwrap(), None);

        assert_eq!(conflict(people.accounts.create_session(&session(1, "u-02", 500))), "session");
        assert_eq!(not_found(people.accounts.create_session(&session(5, "u-nobody", 500))), "account");

        people.accounts.delete_session(&[1; 32]).unwrap();
        people.accounts.delete_session(&[1; 32]).unwrap(); // already gone: not an error
        assert_eq!(people.accounts.session(&[1; 32]).unwrap(), None);

        // Logout everywhere touches only that account.
        assert_eq!(people.accounts.delete_sessions_of("u-01").unwrap(), 2);
        assert_eq!(people.accounts.delete_sessions_of("u-01").unwrap(), 0);
        assert!(people.accounts.session(&[4; 32]).unwrap().is_some());
    });
}

#[test]
fn expired_sessions_are_deleted() {
    both(|_db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        for (token, expires) in [(1, 100), (2, 200), (3, 300), (4, 400)] {
            people.accounts.create_session(&session(token, "u-01", expires)).unwrap();
        }
        assert_eq!(people.accounts.delete_expired_sessions(99).unwrap(), 0);
        // Expired means expires_at_ms <= now.
        assert_eq!(people.accounts.delete_expired_sessions(200).unwrap(), 2);
        assert_eq!(people.accounts.session(&[2; 32]).unwrap(), None);
        assert!(people.accounts.session(&[3; 32]).unwrap().is_some());
        assert_eq!(people.accounts.delete_expired_sessions(200).unwrap(), 0);
        assert_eq!(people.accounts.delete_expired_sessions(u64::MAX).unwrap(), 2);
    });
}

#[test]
fn openings_are_kept_per_account_in_log_order() {
    both(|_db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        people.accounts.create_account(&account(2)).unwrap();
        let opening = |id: &str, index: u64| OpeningRow {
            account_id: id.into(),
            log_index: index,
            sealed_nonce: vec![index as u8; 56],
        };
        for index in [40, 7, 1_000_000_000_000, 12] {
            people.openings.add(&opening("u-01", index)).unwrap();
        }
        people.openings.add(&opening("u-02", 7)).unwrap();
        let indexes: Vec<u64> = people.openings.of("u-01").unwrap().into_iter().map(|o| o.log_index).collect();
        assert_eq!(indexes, [7, 12, 40, 1_000_000_000_000]);
        assert_eq!(people.openings.of("u-02").unwrap(), vec![opening("u-02", 7)]);
        assert_eq!(people.openings.of("u-03").unwrap(), vec![]);
        assert_eq!(conflict(people.openings.add(&opening("u-01", 7))), "opening");
        assert_eq!(not_found(people.openings.add(&opening("u-nobody", 1))), "account");
    });
}

#[test]
fn mail_waits_in_the_outbox_until_sent() {
    both(|_db, people| {
        let late = people.outbox.enqueue(b"sealed late", 300).unwrap();
        let early = people.outbox.enqueue(b"sealed early", 100).unwrap();
        let middle = people.outbox.enqueue(b"sealed middle", 200).unwrap();
        assert!(late < early && early < middle, "ids increase: {late} {early} {middle}");

        let pending = people.outbox.pending(10).unwrap();
        let ids: Vec<u64> = pending.iter().map(|m| m.id).collect();
        assert_eq!(ids, [early, middle, late], "oldest first");
        assert_eq!(pending[0].sealed, b"sealed early");
        assert_eq!((pending[0].attempts, pending[0].sent_at_ms), (0, None));
        assert_eq!(people.outbox.pending(1).unwrap().len(), 1);

        people.outbox.mark_failed(early).unwrap();
        people.outbox.mark_failed(early).unwrap();
        assert_eq!(people.outbox.pending(1).unwrap()[0].attempts, 2);

        people.outbox.mark_sent(early, 500).unwrap();
        let ids: Vec<u64> = people.outbox.pending(10).unwrap().iter().map(|m| m.id).collect();
        assert_eq!(ids, [middle, late]);

        assert_eq!(not_found(people.outbox.mark_sent(early + late + middle + 1, 1)), "mail");
        assert_eq!(not_found(people.outbox.mark_failed(early + late + middle + 1)), "mail");
    });
}

#[test]
fn registry_import_replaces_records_and_keeps_claims() {
    both(|_db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        assert_eq!(people.registry.upsert(&[]).unwrap(), 0);
        assert_eq!(people.registry.upsert(&[registry_row(1, b"r1"), registry_row(2, b"r2")]).unwrap(), 2);
        assert_eq!(people.registry.get(&[1; 32]).unwrap(), Some(registry_row(1, b"r1")));
        assert_eq!(people.registry.get(&[3; 32]).unwrap(), None);

        // A code is sent and the person claims the row.
        let claimed = RegistryRow {
            code_hash: Some(vec![0xC0; 32]),
            code_expires_ms: 5_000,
            code_attempts: 2,
            claimed_by: Some("u-01".into()),
            ..registry_row(1, b"r1")
        };
        people.registry.update(&claimed).unwrap();
        assert_eq!(people.registry.get(&[1; 32]).unwrap(), Some(claimed.clone()));
        assert_eq!(not_found(people.registry.update(&registry_row(9, b"x"))), "registry row");
        let bad_claim = RegistryRow { claimed_by: Some("u-nobody".into()), ..registry_row(2, b"r2") };
        assert_eq!(not_found(people.registry.update(&bad_claim)), "account");

        // A new import replaces the sealed record only; a repeated IIN: the last row wins.
        let reimport = [
            RegistryRow { claimed_by: None, code_hash: None, ..registry_row(1, b"r1 old") },
            registry_row(3, b"r3"),
            registry_row(1, b"r1 new"),
        ];
        assert_eq!(people.registry.upsert(&reimport).unwrap(), 2);
        assert_eq!(
            people.registry.get(&[1; 32]).unwrap(),
            Some(RegistryRow { sealed_record: b"r1 new".to_vec(), ..claimed })
        );
        assert_eq!(people.registry.get(&[3; 32]).unwrap(), Some(registry_row(3, b"r3")));

        // A failed import leaves nothing behind (one transaction).
        let failing =
            [registry_row(4, b"r4"), RegistryRow { claimed_by: Some("u-nobody".into()), ..registry_row(5, b"r5") }];
        assert_eq!(not_found(people.registry.upsert(&failing)), "account");
        assert_eq!(people.registry.get(&[4; 32]).unwrap(), None);
    });
}

#[test]
fn a_large_registry_import_is_one_batch() {
    both(|_db, people| {
        let rows: Vec<RegistryRow> = (0..12_345u32)
            .map(|n| RegistryRow {
                iin_lookup: n.to_be_bytes().repeat(8),
                sealed_record: format!("record {n}").into_bytes(),
                code_hash: (n % 3 == 0).then(|| vec![1; 32]),
                code_expires_ms: u64::from(n),
                code_attempts: n % 5,
                claimed_by: None,
            })
            .collect();
        assert_eq!(people.registry.upsert(&rows).unwrap(), 12_345);
        for n in [0u32, 4_999, 5_000, 12_344] {
            assert_eq!(people.registry.get(&n.to_be_bytes().repeat(8)).unwrap().as_ref(), Some(&rows[n as usize]));
        }
    });
}

#[test]
fn erasing_shreds_the_key_profile_pseudonym_and_sessions() {
    both(|_db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        people.accounts.create_account(&account(2)).unwrap();
        people.accounts.set_person("u-01", "person-1").unwrap();
        people.accounts.create_session(&session(1, "u-01", 100)).unwrap();
        people.accounts.create_session(&session(2, "u-01", 100)).unwrap();
        people.accounts.create_session(&session(3, "u-02", 100)).unwrap();
        people
            .openings
            .add(&OpeningRow { account_id: "u-01".into(), log_index: 3, sealed_nonce: vec![1; 56] })
            .unwrap();

        people.accounts.erase_account("u-01").unwrap();
        let erased = people.accounts.account("u-01").unwrap().unwrap();
        assert_eq!(erased.wrapped_key, None);
        assert_eq!(erased.sealed_profile, None);
        assert_eq!(erased.person, None);
        assert_eq!(people.accounts.account_by_person("person-1").unwrap(), None);
        assert_eq!(people.accounts.session(&[1; 32]).unwrap(), None);
        assert_eq!(people.accounts.session(&[2; 32]).unwrap(), None);
        // The sealed opening stays, unreadable without the key; others are untouched.
        assert_eq!(people.openings.of("u-01").unwrap().len(), 1);
        assert!(people.accounts.session(&[3; 32]).unwrap().is_some());
        assert_eq!(people.accounts.account("u-02").unwrap(), Some(account(2)));

        people.accounts.erase_account("u-01").unwrap(); // erasing twice is harmless
        assert_eq!(not_found(people.accounts.erase_account("u-nobody")), "account");
    });
}

#[test]
fn flags_are_added_once_per_reason_and_listed_oldest_first() {
    both(|_db, people| {
        assert_eq!(people.flags.open(None, 10).unwrap(), vec![]);
        assert_eq!(people.flags.count_open(None).unwrap(), 0);

        let late = people.flags.add("water-for-aul", "s-aa", "address_burst", 300).unwrap();
        let early = people.flags.add("water-for-aul", "s-bb", "new_account", 100).unwrap();
        let other = people.flags.add("bus-route-12", "s-aa", "address_burst", 200).unwrap();
        let second_reason = people.flags.add("water-for-aul", "s-aa", "new_account", 300).unwrap();
        assert!(late < early && early < other && other < second_reason, "ids increase");

        // The same (petition, signer, reason) again: the same id, nothing changed.
        assert_eq!(people.flags.add("water-for-aul", "s-aa", "address_burst", 900).unwrap(), late);
        assert_eq!(people.flags.count_open(None).unwrap(), 4);

        let flag = |id, petition: &str, signer: &str, reason: &str, created_at_ms| FlagRow {
            id,
            petition: petition.into(),
            signer: signer.into(),
            reason: reason.into(),
            created_at_ms,
            resolved_at_ms: None,
        };
        // Oldest first; equal times in order of creation. Rows come back whole.
        assert_eq!(
            people.flags.open(None, 10).unwrap(),
            vec![
                flag(early, "water-for-aul", "s-bb", "new_account", 100),
                flag(other, "bus-route-12", "s-aa", "address_burst", 200),
                flag(late, "water-for-aul", "s-aa", "address_burst", 300),
                flag(second_reason, "water-for-aul", "s-aa", "new_account", 300),
            ]
        );
        let ids = |rows: Vec<FlagRow>| rows.into_iter().map(|f| f.id).collect::<Vec<_>>();
        assert_eq!(ids(people.flags.open(Some("water-for-aul"), 10).unwrap()), [early, late, second_reason]);
        assert_eq!(ids(people.flags.open(Some("bus-route-12"), 10).unwrap()), [other]);
        assert_eq!(ids(people.flags.open(Some("no-such-petition"), 10).unwrap()), Vec::<u64>::new());
        assert_eq!(people.flags.count_open(Some("water-for-aul")).unwrap(), 3);
        assert_eq!(people.flags.count_open(Some("bus-route-12")).unwrap(), 1);
        assert_eq!(people.flags.count_open(Some("no-such-petition")).unwrap(), 0);

        // The limit.
        assert_eq!(ids(people.flags.open(None, 2).unwrap()), [early, other]);
        assert_eq!(ids(people.flags.open(Some("water-for-aul"), 1).unwrap()), [early]);
        assert_eq!(people.flags.open(None, 0).unwrap(), vec![]);
    });
}

#[test]
fn resolving_closes_every_open_flag_of_one_signature() {
    both(|_db, people| {
        let burst = people.flags.add("water-for-aul", "s-aa", "address_burst", 100).unwrap();
        let new_account = people.flags.add("water-for-aul", "s-aa", "new_account", 110).unwrap();
        let same_signer_elsewhere = people.flags.add("bus-route-12", "s-aa", "address_burst", 120).unwrap();
        let other_signer = people.flags.add("water-for-aul", "s-bb", "address_burst", 130).unwrap();

        assert_eq!(people.flags.resolve("water-for-aul", "s-aa", 500).unwrap(), 2);
        // Already resolved, or never flagged: nothing to do, not an error.
        assert_eq!(people.flags.resolve("water-for-aul", "s-aa", 600).unwrap(), 0);
        assert_eq!(people.flags.resolve("water-for-aul", "s-zz", 600).unwrap(), 0);

        let ids = |rows: Vec<FlagRow>| rows.into_iter().map(|f| f.id).collect::<Vec<_>>();
        assert_eq!(ids(people.flags.open(None, 10).unwrap()), [same_signer_elsewhere, other_signer]);
        assert_eq!(ids(people.flags.open(Some("water-for-aul"), 10).unwrap()), [other_signer]);
        assert_eq!(people.flags.count_open(None).unwrap(), 2);
        assert_eq!(people.flags.count_open(Some("water-for-aul")).unwrap(), 1);

        // Flagging a resolved signature again for the same reason returns the resolved flag
        // and does not reopen it; a new reason is a new, open flag.
        assert_eq!(people.flags.add("water-for-aul", "s-aa", "address_burst", 700).unwrap(), burst);
        assert_eq!(people.flags.add("water-for-aul", "s-aa", "new_account", 700).unwrap(), new_account);
        assert_eq!(people.flags.count_open(Some("water-for-aul")).unwrap(), 1);
        let fresh = people.flags.add("water-for-aul", "s-aa", "late_night", 800).unwrap();
        assert_eq!(ids(people.flags.open(Some("water-for-aul"), 10).unwrap()), [other_signer, fresh]);
        assert_eq!(people.flags.resolve("water-for-aul", "s-aa", 900).unwrap(), 1);
        assert_eq!(people.flags.count_open(None).unwrap(), 2);
    });
}

#[test]
fn many_threads_flag_one_signature_and_get_one_flag() {
    both(|_db, people| {
        let start = Barrier::new(8);
        let ids: Vec<u64> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8u64)
                .map(|t| {
                    let (people, start) = (&people, &start);
                    scope.spawn(move || {
                        start.wait();
                        people
                            .flags
                            .add("water-for-aul", "s-aa", "address_burst", 100 + t)
                            .unwrap_or_else(|e| panic!("thread {t}: {e:?}"))
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        assert_eq!(people.flags.count_open(None).unwrap(), 1);
        assert_eq!(people.flags.open(None, 10).unwrap()[0].id, ids[0]);
    });
}

/// Network addresses are personal data: the flags table has no place for one.
#[test]
fn flags_hold_no_network_address() {
    let expected = ["created_at_ms", "id", "petition", "reason", "resolved_at_ms", "signer"];
    for backend in Backend::ALL {
        let db = TestDatabase::new(backend);
        open_private(&db.location(), MaxConnections::DEFAULT).unwrap();
        let mut columns: Vec<String> = match backend {
            Backend::Sqlite => {
                let conn =
                    rusqlite::Connection::open(people_sqlite_path(std::path::Path::new(&db.location()))).unwrap();
                let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('people_flags')").unwrap();
                stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
            }
            Backend::Postgres => {
                let mut client = postgres::Client::connect(&db.location(), postgres::NoTls).unwrap();
                client
                    .query(
                        "SELECT column_name::text FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = 'people_flags'",
                        &[],
                    )
                    .unwrap()
                    .iter()
                    .map(|r| r.get(0))
                    .collect()
            }
        };
        columns.sort();
        assert_eq!(columns, expected, "{backend:?}");
    }
}

#[test]
fn people_survive_reopening_and_migrations_run_once() {
    both(|db, people| {
        people.accounts.create_account(&account(1)).unwrap();
        drop(people);
        let again = open_private(&db.location(), MaxConnections::DEFAULT).unwrap();
        let beside = open_private(&db.location(), MaxConnections::DEFAULT).unwrap(); // no lock: several may be open
        assert_eq!(again.accounts.account("u-01").unwrap(), Some(account(1)));
        beside.accounts.create_account(&account(2)).unwrap();
        assert_eq!(again.accounts.count_accounts().unwrap(), 2);
        // The log opens on the same location afterwards, and the people store after it.
        let (mut w, _r) = open(&db.location()).unwrap();
        assert_eq!(w.head().unwrap().size, 0);
        assert_eq!(
            open_private(&db.location(), MaxConnections::DEFAULT).unwrap().accounts.count_accounts().unwrap(),
            2
        );
    });
}

#[test]
fn the_log_writer_does_not_hold_back_people_writes() {
    both(|db, _people| {
        let (mut w, r) = open(&db.location()).unwrap();
        w.head().unwrap();
        let people = open_private(&db.location(), MaxConnections::DEFAULT).unwrap();
        people.accounts.create_account(&account(1)).unwrap();
        people.accounts.create_session(&session(1, "u-01", 100)).unwrap();
        w.commit(&Batch {
            entries: vec![NewEntry { index: 0, leaf_hash: [0; 32], body: b"{}".to_vec() }],
            ..Batch::default()
        })
        .unwrap();
        people.accounts.erase_account("u-01").unwrap();
        assert_eq!(r.size().unwrap(), 1);
        // People data never appears in the log's projection.
        assert_eq!(r.projection_rows().unwrap(), vec![]);
    });
}

#[test]
fn the_sqlite_people_file_is_separate_from_the_log() {
    let db = TestDatabase::new(Backend::Sqlite);
    let log = std::path::PathBuf::from(db.location());
    let file = people_sqlite_path(&log);
    assert_eq!(file.parent(), log.parent());
    assert_ne!(file, log);
    assert_eq!(file.file_name().unwrap(), "dauys.people.sqlite3");

    let (_writer, _reader) = open(&db.location()).unwrap(); // holds the log's writer lock
    let people = open_private(&db.location(), MaxConnections::DEFAULT).unwrap();
    people.accounts.create_account(&account(1)).unwrap();
    assert!(file.exists());

    let tables = |path: &std::path::Path| -> Vec<String> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    };
    let in_log = tables(&log);
    let in_people = tables(&file);
    assert!(in_log.contains(&"entries".to_string()) && !in_log.iter().any(|t| t.starts_with("people_")), "{in_log:?}");
    assert!(in_people.contains(&"people_accounts".to_string()), "{in_people:?}");
    assert!(!in_people.contains(&"entries".to_string()), "{in_people:?}");

    let conn = rusqlite::Connection::open(&file).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn the_postgres_people_tables_share_the_logs_database() {
    let db = TestDatabase::new(Backend::Postgres);
    let people = open_private(&db.location(), MaxConnections::DEFAULT).unwrap();
    people.accounts.create_account(&account(1)).unwrap();
    let (_writer, _reader) = open(&db.location()).unwrap();
    let mut client = postgres::Client::connect(&db.location(), postgres::NoTls).unwrap();
    let versions: Vec<i64> = client
        .query("SELECT version FROM schema_migrations ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [1, 2, 3, 4, 5]);
    let count: i64 = client.query_one("SELECT COUNT(*) FROM people_accounts", &[]).unwrap().get(0);
    assert_eq!(count, 1);
}

#[test]
fn many_threads_create_accounts_at_once() {
    both(|_db, people| {
        const THREADS: u8 = 8;
        const EACH: u8 = 12;
        let start = Barrier::new(usize::from(THREADS));
        std::thread::scope(|scope| {
            for t in 0..THREADS {
                let (people, start) = (&people, &start);
                scope.spawn(move || {
                    start.wait();
                    for i in 0..EACH {
                        let n = t * EACH + i;
                        let a = AccountRow { id: format!("u-{t}-{i:02}"), ..account(n) };
                        people.accounts.create_account(&a).unwrap_or_else(|e| panic!("thread {t}, account {i}: {e}"));
                        people.accounts.create_session(&session(n, &a.id, 100)).unwrap();
                        people.accounts.set_person(&a.id, &format!("p-{n}")).unwrap();
                    }
                });
            }
        });
        assert_eq!(people.accounts.count_accounts().unwrap(), u64::from(THREADS) * u64::from(EACH));
        assert_eq!(people.accounts.delete_expired_sessions(100).unwrap(), u64::from(THREADS) * u64::from(EACH));
    });
}

#[test]
fn many_threads_race_for_one_email_and_one_wins() {
    both(|_db, people| {
        let start = Barrier::new(8);
        let won: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8u8)
                .map(|t| {
                    let (people, start) = (&people, &start);
                    scope.spawn(move || {
                        start.wait();
                        let a = AccountRow { id: format!("u-race-{t}"), ..account(1) };
                        match people.accounts.create_account(&a) {
                            Ok(()) => true,
                            Err(StoreError::Conflict { what: "email" }) => false,
                            Err(e) => panic!("thread {t}: {e:?}"),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(won.iter().filter(|w| **w).count(), 1);
        assert_eq!(people.accounts.count_accounts().unwrap(), 1);
    });
}

#[test]
fn first_opens_at_once_migrate_once() {
    for backend in Backend::ALL {
        let db = TestDatabase::new(backend);
        let location = db.location();
        let start = Barrier::new(6);
        std::thread::scope(|scope| {
            let (location, start) = (&location, &start);
            for t in 0..6 {
                scope.spawn(move || {
                    start.wait();
                    if t == 0 {
                        // The log opening too (PostgreSQL: the same migration sequence).
                        open(location).map(|_| ()).unwrap_or_else(|e| panic!("{backend:?} log: {e}"));
                    } else {
                        let people = open_private(location, MaxConnections::DEFAULT)
                            .unwrap_or_else(|e| panic!("{backend:?} {t}: {e}"));
                        people.accounts.create_account(&account(t)).unwrap();
                    }
                });
            }
        });
        assert_eq!(open_private(&location, MaxConnections::DEFAULT).unwrap().accounts.count_accounts().unwrap(), 5);
    }
}
