//! The list of petitions: search, filters, pages.

use super::*;

/// The list's query, as given (for the form and the page links; trimmed) and as understood.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct ListForm {
    q: String,
    status: String,
    level: String,
    body: String,
    region: String,
    topic: String,
    /// Whether a petition that reached its threshold was answered: `awaiting`, `answered`,
    /// `overdue`.
    answer: String,
    sort: String,
    page: Option<String>,
}

impl ListForm {
    fn trimmed(self) -> ListForm {
        let t = |s: String| s.trim().to_string();
        ListForm {
            q: t(self.q),
            status: t(self.status),
            level: t(self.level),
            body: t(self.body),
            region: t(self.region),
            topic: t(self.topic),
            answer: t(self.answer),
            sort: t(self.sort),
            page: self.page,
        }
    }

    /// The non-empty parameters, for links to other pages of the same list.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", self.q.as_str()),
            ("status", &self.status),
            ("level", &self.level),
            ("body", &self.body),
            ("region", &self.region),
            ("topic", &self.topic),
            ("answer", &self.answer),
            ("sort", &self.sort),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    fn href(&self, page: usize) -> String {
        let mut parts: Vec<String> = self.pairs().into_iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        if parts.is_empty() {
            "/petitions".to_string()
        } else {
            format!("/petitions?{}", parts.join("&"))
        }
    }
}

/// A value that is not one of the choices: which field, and what was given.
struct Invalid {
    field: &'static str,
    value: String,
}

fn parse_list(app: &AppState, form: &ListForm) -> (ListQuery, Vec<Invalid>) {
    let mut invalid = Vec::new();
    let mut pick = |field: &'static str, value: &str, ok: bool| {
        if !ok {
            invalid.push(Invalid { field, value: value.chars().take(60).collect() });
        }
    };
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    let status = opt(&form.status).map(|v| v.parse::<PetitionStatus>().ok().filter(PetitionStatus::is_public));
    pick("status", &form.status, !matches!(status, Some(None)));
    let level = opt(&form.level).map(|v| v.parse::<Level>().ok());
    pick("level", &form.level, !matches!(level, Some(None)));
    let body = opt(&form.body).map(|v| v.parse::<BodyId>().ok());
    pick("body", &form.body, !matches!(body, Some(None)));
    let region = opt(&form.region).map(|v| Region::from_str(&v).ok());
    pick("region", &form.region, !matches!(region, Some(None)));
    let rules = app.capabilities.petitions.view().rules();
    let topic = opt(&form.topic)
        .map(|v| v.parse::<TopicCode>().ok().filter(|t| rules.as_ref().is_some_and(|r| r.rules.topic(t).is_some())));
    pick("topic", &form.topic, !matches!(topic, Some(None)));
    let answer = opt(&form.answer).map(|v| ObligationStatus::ALL.into_iter().find(|s| s.as_str() == v));
    pick("answer", &form.answer, !matches!(answer, Some(None)));
    let sort = opt(&form.sort).map(|v| Sort::parse(&v));
    pick("sort", &form.sort, !matches!(sort, Some(None)));
    pick("q", &form.q, form.q.chars().count() <= MAX_QUERY_CHARS);
    let page = match form.page.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => 1,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => {
                pick("page", v, false);
                1
            }
        },
    };
    let query = ListQuery {
        text: (!form.q.is_empty()).then(|| form.q.clone()),
        status: status.flatten(),
        level: level.flatten(),
        body: body.flatten(),
        region: region.flatten(),
        topic: topic.flatten(),
        answer: answer.flatten(),
        sort: sort.flatten().unwrap_or_default(),
        page,
        per_page: PER_PAGE,
    };
    (query, invalid)
}

fn field_label(p: &Page, field: &str) -> String {
    p.t(&format!("pp-filter-{field}"))
}

/// GET /petitions — public petitions, searchable and filtered.
pub(crate) async fn list(State(app): State<AppState>, p: Page, PageQuery(form): PageQuery<ListForm>) -> Response {
    let form = form.trimmed();
    let (query, mut invalid) = parse_list(&app, &form);
    let view = app.capabilities.petitions.view();
    let page = invalid.is_empty().then(|| view.list(&query));
    if let Some(pg) = &page {
        if pg.total > 0 && query.page > pg.pages() {
            invalid.push(Invalid { field: "page", value: query.page.to_string() });
        }
    }
    let page = page.filter(|_| invalid.is_empty());
    let public: Vec<Arc<Petition>> = view.all().into_iter().filter(|x| x.status.is_public()).collect();
    let mut body_ids: Vec<BodyId> = public.iter().map(|x| x.body.clone()).collect();
    if let Ok(chosen) = form.body.parse::<BodyId>() {
        body_ids.push(chosen);
    }
    body_ids.sort();
    body_ids.dedup();
    let mut bodies = Vec::with_capacity(body_ids.len());
    for b in body_ids {
        let name = body_label(&app, p.lang, &b);
        bodies.push((b, name));
    }
    bodies.sort_by(|a, b| a.1.cmp(&b.1));
    let items = match &page {
        Some(pg) => petition_rows(&app, &p, &pg.items, "results"),
        None => html! {},
    };

    let title = p.t("pp-list-title");
    let filtered = !form.pairs().is_empty();
    let main = html! {
        h1 { (title) }
        p.lead { (p.t("pp-list-lead")) }
        p { a #start-petition href="/petitions/new" { (p.t("pp-start")) } " · " a href="/me/petitions" { (p.t("pp-mine-title")) } }
        (filters(&app, &p, &form, &bodies))
        @if !invalid.is_empty() {
            (alert("list-error", html! {
                p { (p.t("pp-list-invalid")) }
                ul {
                    @for i in &invalid {
                        li { (p.t_args("pp-list-invalid-value", &[
                            ("field", FluentValue::from(field_label(&p, i.field))),
                            ("value", FluentValue::from(i.value.clone())),
                        ])) }
                    }
                }
                p { a href="/petitions" { (p.t("pp-list-clear")) } }
            }))
        }
        @if let Some(pg) = &page {
            section aria-labelledby="results-heading" {
                h2 #results-heading { (p.t("pp-results")) }
                p #result-count role="status" {
                    (p.t_args("pp-results-count", &[
                        ("count", FluentValue::from(pg.total)),
                        ("page", FluentValue::from(pg.page)),
                        ("pages", FluentValue::from(pg.pages())),
                    ]))
                }
                @if pg.total == 0 {
                    div.notice #no-results {
                        @if filtered {
                            p { (p.t("pp-results-none")) }
                            p { a href="/petitions" { (p.t("pp-list-clear")) } }
                        } @else {
                            p { (p.t("pp-results-none-yet")) }
                        }
                        p { a href="/petitions/new" { (p.t("pp-start")) } }
                    }
                } @else {
                    (items)
                    (pager(&p, &form, pg))
                }
            }
        }
    };
    let status = if invalid.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    crate::web::cache::shareable(p.render(status, &title, crate::petitions::SECTION, main))
}

fn filters(app: &AppState, p: &Page, form: &ListForm, bodies: &[(BodyId, String)]) -> Markup {
    let rules = app.capabilities.petitions.view().rules();
    let levels: Vec<Level> =
        rules.as_ref().map_or_else(|| Level::ALL.to_vec(), |r| r.rules.levels.iter().map(|l| l.level).collect());
    let topics: Vec<(String, String)> = rules
        .as_ref()
        .map(|r| r.rules.topics.iter().map(|t| (t.code.to_string(), t.name.get(p.lang).to_string())).collect())
        .unwrap_or_default();
    let any = p.t("pp-filter-any");
    html! {
        form.stack #petition-search method="get" action="/petitions" role="search" aria-label=(p.t("pp-search-label")) {
            label for="q" { (p.t("pp-filter-q")) }
            input #q type="search" name="q" value=(form.q) maxlength=(MAX_QUERY_CHARS) aria-describedby="q-hint";
            p.hint #q-hint { (p.t("pp-filter-q-hint")) }
            div.filter-grid {
                div.filter {
                    label for="status" { (field_label(p, "status")) }
                    select #status name="status" {
                        option value="" { (any) }
                        @for s in PetitionStatus::ALL.into_iter().filter(PetitionStatus::is_public) {
                            option value=(s.as_str()) selected[form.status == s.as_str()] { (status_label(p, s)) }
                        }
                    }
                }
                div.filter {
                    label for="level" { (field_label(p, "level")) }
                    select #level name="level" {
                        option value="" { (any) }
                        @for l in &levels {
                            option value=(l.as_str()) selected[form.level == l.as_str()] { (level_label(p.lang, *l)) }
                        }
                    }
                }
                div.filter {
                    label for="body" { (field_label(p, "body")) }
                    select #body name="body" {
                        option value="" { (any) }
                        @for (id, name) in bodies {
                            option value=(id.as_str()) selected[form.body == id.as_str()] { (name) }
                        }
                    }
                }
                div.filter {
                    label for="region" { (field_label(p, "region")) }
                    select #region name="region" {
                        option value="" { (any) }
                        @for r in Region::ALL {
                            option value=(r.code()) selected[form.region == r.code()] { (r.name().get(p.lang)) }
                        }
                    }
                }
                div.filter {
                    label for="topic" { (field_label(p, "topic")) }
                    select #topic name="topic" {
                        option value="" { (any) }
                        @for (code, name) in &topics {
                            option value=(code) selected[&form.topic == code] { (name) }
                        }
                    }
                }
                div.filter {
                    label for="answer" { (field_label(p, "answer")) }
                    select #answer name="answer" {
                        option value="" { (any) }
                        @for s in ObligationStatus::ALL {
                            option value=(s.as_str()) selected[form.answer == s.as_str()] { (obligation_label(p, s)) }
                        }
                    }
                }
                div.filter {
                    label for="sort" { (field_label(p, "sort")) }
                    select #sort name="sort" {
                        @for s in Sort::ALL {
                            option value=(s.as_str()) selected[form.sort == s.as_str()] { (sort_label(p, s)) }
                        }
                    }
                }
            }
            button #search type="submit" { (p.t("pp-search")) }
        }
    }
}

/// Petitions as the list shows them: title, body, standing, progress and deadline each.
pub(super) fn petition_rows(app: &AppState, p: &Page, items: &[Arc<Petition>], list_id: &str) -> Markup {
    let now = now_ms();
    let mut names = BTreeMap::new();
    for pet in items {
        if !names.contains_key(&pet.body) {
            names.insert(pet.body.clone(), body_label(app, p.lang, &pet.body));
        }
    }
    html! {
        ol.petitions id=(list_id) {
            @for pet in items {
                li.petition data-petition=(pet.id.as_str()) {
                    h3 { a href=(petition_href(&pet.id)) { (partial_title(p, &pet.title)) } }
                    p.muted {
                        (names.get(&pet.body).cloned().unwrap_or_default()) " · "
                        (level_label(p.lang, pet.level)) " · "
                        (topic_label(&app.capabilities.petitions, p.lang, &pet.topic))
                        @if let Some(t) = territory_label(p.lang, pet.territory.as_ref()) { " · " (t) }
                    }
                    (headline(p, app, pet, now))
                    (progress(p, pet, &format!("{list_id}-{}", pet.id)))
                    @if let Some(d) = deadline(p, app, pet, now) { p { (d) } }
                }
            }
        }
    }
}

fn pager(p: &Page, form: &ListForm, page: &ListPage) -> Markup {
    let pages = page.pages();
    html! {
        @if pages > 1 {
            nav.pager aria-label=(p.t("pp-pages-label")) {
                ul {
                    li { @if page.page > 1 { a href=(form.href(page.page - 1)) rel="prev" { (p.t("pp-page-previous")) } } }
                    li { (p.t_args("pp-page-of", &[("page", FluentValue::from(page.page)), ("pages", FluentValue::from(pages))])) }
                    li { @if page.page < pages { a href=(form.href(page.page + 1)) rel="next" { (p.t("pp-page-next")) } } }
                }
            }
        }
    }
}
