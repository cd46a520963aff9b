//! The one shape every capability's server part takes: a read model the sequencer keeps, a
//! service built once the sequencer runs, its pages and API, and what a new log needs from
//! it. `capabilities!` in `lib.rs` lists them; adding a capability is adding its folder and
//! its line there.
//!
//! What every capability shares and none owns (accounts and identity, the deployment's
//! bodies and time zone, the sequencer, the private store) is the [`Platform`] it is built
//! from; its rules are its module in `dauys-core`.

use std::sync::Arc;

use axum::Router;
use dauys_core::{Event, Lang};

use crate::config::Config;
use crate::people::{Account, People};
use crate::projection::{DeploymentView, Projector};
use crate::sequencer::SequencerHandle;
use crate::web::{NavEntry, Page};
use crate::AppState;

/// What a capability's service is built from.
pub struct Platform<'a> {
    pub config: &'a Config,
    pub people: &'a Arc<People>,
    pub private: &'a dauys_store::PrivateStore,
    pub sequencer: &'a SequencerHandle,
    pub deployment: &'a Arc<DeploymentView>,
}

/// A capability's part of a person's data download, or why it could not be read.
pub(crate) type PersonalData<'a> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<serde_json::Map<String, serde_json::Value>, String>> + Send + 'a>,
>;

/// A capability's server part.
pub(crate) trait Capability: Send + Sync + Sized + 'static {
    /// Its entry in the site's navigation, if its pages have one.
    const NAVIGATION: Option<&'static NavEntry> = None;

    /// Its read model, which the sequencer feeds from before the first batch.
    type View: Projector + Default + 'static;

    /// Builds the service once the sequencer runs, around the view it feeds.
    fn start(platform: &Platform<'_>, view: Arc<Self::View>) -> Self;

    /// Its pages and API.
    fn routes() -> Router<AppState>;

    /// Events a new log needs from it before anyone acts (its default rules), when the log
    /// lacks them. Submitted at start, after the deployment's own.
    fn genesis(&self) -> Vec<Event> {
        Vec::new()
    }

    /// One line saying what an entry of its is about, for the log's pages, naming its item
    /// as people know it and linking to the item's page; `None` for an event it does not own.
    fn log_summary(&self, event: &Event, lang: Lang) -> Option<maud::Markup> {
        let _ = (event, lang);
        None
    }

    /// Its part of the home page, what is happening now, in the visitor's language (what a
    /// person can start, what waits for signatures, what was answered or is overdue).
    fn home(&self, app: &AppState, page: &Page) -> Option<maud::Markup> {
        let _ = (app, page);
        None
    }

    /// What the person did through it, for their "download my data": members of one JSON
    /// object. The log names people only by pseudonyms that only the server can link back.
    fn personal_data<'a>(&'a self, public_url: &'a str, account: &'a Account) -> PersonalData<'a> {
        let _ = (public_url, account);
        Box::pin(async { Ok(serde_json::Map::new()) })
    }

    /// Its part of a body's public page (`/bodies/{id}`): what the body owes through it.
    fn body_section(&self, app: &AppState, page: &Page, body: &dauys_core::BodyId) -> Option<maud::Markup> {
        let _ = (app, page, body);
        None
    }

    /// The page that shows the form posting to `path`, where a person signed out while
    /// filling it comes back after signing in — when that is not `path` itself (a form's
    /// action that answers only POST).
    fn form_page(path: &str) -> Option<String> {
        let _ = path;
        None
    }
}

/// Makes, from one line per capability (`petitions: petitions::Petitions`), the
/// [`Capabilities`] handlers reach through [`AppState`] and the wiring `Instance::start` and
/// `router` do for each.
macro_rules! capabilities {
    ($($name:ident: $ty:ty),+ $(,)?) => {
        /// Every capability's service, for handlers: `app.capabilities.petitions`.
        #[derive(Clone)]
        pub struct Capabilities {
            $(pub $name: std::sync::Arc<$ty>,)+
        }

        /// Every capability's read model, made before the sequencer starts.
        #[derive(Default)]
        struct Views {
            $($name: std::sync::Arc<<$ty as $crate::capability::Capability>::View>,)+
        }

        impl Views {
            fn projectors(&self) -> Vec<std::sync::Arc<dyn $crate::projection::Projector>> {
                vec![$(self.$name.clone(),)+]
            }
        }

        impl Capabilities {
            fn start(platform: &$crate::capability::Platform<'_>, views: Views) -> Capabilities {
                Capabilities {
                    $($name: std::sync::Arc::new(<$ty as $crate::capability::Capability>::start(platform, views.$name)),)+
                }
            }

            fn routes() -> axum::Router<AppState> {
                axum::Router::new()$(.merge(<$ty as $crate::capability::Capability>::routes()))+
            }

            fn genesis(&self) -> Vec<dauys_core::Event> {
                let mut events = Vec::new();
                $(events.extend($crate::capability::Capability::genesis(&*self.$name));)+
                events
            }

            /// The capabilities' entries in the site's navigation, in the order they are listed.
            pub(crate) fn navigation() -> impl Iterator<Item = &'static $crate::web::NavEntry> {
                [$(<$ty as $crate::capability::Capability>::NAVIGATION,)+].into_iter().flatten()
            }

            /// Every capability's part of the home page, in the order they are listed.
            pub(crate) fn home(&self, app: &AppState, page: &$crate::web::Page) -> Vec<maud::Markup> {
                [$($crate::capability::Capability::home(&*self.$name, app, page),)+].into_iter().flatten().collect()
            }

            /// Every capability's part of a person's data download, in one JSON object.
            pub(crate) async fn personal_data(
                &self,
                public_url: &str,
                account: &$crate::people::Account,
            ) -> Result<serde_json::Map<String, serde_json::Value>, String> {
                let mut all = serde_json::Map::new();
                $(all.extend($crate::capability::Capability::personal_data(&*self.$name, public_url, account).await?);)+
                Ok(all)
            }

            /// Every capability's part of a body's page, in the order they are listed.
            pub(crate) fn body_sections(
                &self,
                app: &AppState,
                page: &$crate::web::Page,
                body: &dauys_core::BodyId,
            ) -> Vec<maud::Markup> {
                [$($crate::capability::Capability::body_section(&*self.$name, app, page, body),)+]
                    .into_iter()
                    .flatten()
                    .collect()
            }

            /// What the owning capability says an entry is about (the log's pages).
            pub(crate) fn log_summary(&self, event: &dauys_core::Event, lang: dauys_core::Lang) -> Option<maud::Markup> {
                None$(.or_else(|| $crate::capability::Capability::log_summary(&*self.$name, event, lang)))+
            }

            /// The page of the form that posts to `path`, if a capability's form posts there.
            pub(crate) fn form_page(path: &str) -> Option<String> {
                None$(.or_else(|| <$ty as $crate::capability::Capability>::form_page(path)))+
            }
        }
    };
}
pub(crate) use capabilities;
