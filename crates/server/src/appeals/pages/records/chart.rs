//! A body's trends by month as an inline SVG bar chart, drawn on the server: for each month,
//! four bars side by side (received, answered, answered on time, overdue). No script, no
//! external file. The chart is an image with a title and a description for assistive
//! technology (`role="img"`); the table beside it holds the same numbers and is the data.

use std::collections::BTreeMap;

use dauys_core::MonthRecord;
use fluent_templates::fluent_bundle::FluentValue;
use maud::{html, Markup};

use crate::web::Page;

/// The most recent months the chart draws; the table lists them all.
const MONTHS: usize = 24;
const W: f64 = 640.0;
const H: f64 = 260.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 8.0;
/// Room for the legend above the plot: two rows of two.
const TOP: f64 = 50.0;
const BOTTOM: f64 = 28.0;
const AXIS: &str = "#595959";
const TEXT: &str = "#1f1f1f";

/// Each bar's series: its id, its label's message and its colour. The colours (after
/// Okabe–Ito) stay apart for the common colour-vision deficiencies, and each has at least 3:1
/// contrast with the white background.
const SERIES: [(&str, &str, &str); 4] = [
    ("received", "ap-bodies-col-received", "#0072b2"),
    ("answered", "ap-bodies-col-answered", "#6a3d9a"),
    ("answered-on-time", "ap-bodies-col-on-time", "#007a5e"),
    ("overdue", "ap-bodies-col-overdue", "#c23b00"),
];

fn values(m: &MonthRecord) -> [u64; 4] {
    [m.received, m.answered, m.answered_on_time, m.overdue]
}

/// `YYYY-MM` → (year, month 1..=12).
fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// Every month from a record's first to its last, oldest first: the record keeps only months
/// with a step, and a month without one is a zero in a trend, not a gap to close up. Months
/// that do not read as `YYYY-MM` (no log writes one) are listed as they are.
pub(super) fn every_month(months: &BTreeMap<String, MonthRecord>) -> Vec<(String, MonthRecord)> {
    let listed = || months.iter().map(|(m, r)| (m.clone(), r.clone())).collect();
    let (Some(first), Some(last)) = (months.keys().next(), months.keys().next_back()) else { return Vec::new() };
    let (Some((mut y, mut m)), Some(end)) = (parse_month(first), parse_month(last)) else { return listed() };
    if months.keys().any(|k| parse_month(k).is_none()) {
        return listed();
    }
    let mut all = Vec::new();
    // A record spans the log's lifetime; the bound only guards against rows no log could produce.
    while (y, m) <= end && all.len() < 1_200 {
        let key = format!("{y:04}-{m:02}");
        let record = months.get(&key).cloned().unwrap_or_default();
        all.push((key, record));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    all
}

/// The chart of `months` (`YYYY-MM` and figures, oldest first, as [`every_month`] gives
/// them), or a line saying there is nothing yet.
pub(super) fn months_chart(p: &Page, months: &[(String, MonthRecord)]) -> Markup {
    if months.is_empty() {
        return html! { p.muted #chart-empty { (p.t("ap-bodies-no-cases")) } };
    }
    let shown = &months[months.len().saturating_sub(MONTHS)..];
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let max = shown.iter().flat_map(|(_, m)| values(m)).max().unwrap_or(0).max(1);
    let group = plot_w / shown.len() as f64;
    let bar = (group * 0.8 / SERIES.len() as f64).max(1.0);
    // At most about ten month labels fit under the axis.
    let label_every = shown.len().div_ceil(10);
    let mut totals = [0u64; 4];
    for (_, m) in shown {
        for (total, v) in totals.iter_mut().zip(values(m)) {
            *total += v;
        }
    }
    let (first, last) = (&shown[0].0, &shown[shown.len() - 1].0);
    let desc = p.t_args(
        "ap-bodies-chart-desc",
        &[
            ("from", FluentValue::from(first.clone())),
            ("to", FluentValue::from(last.clone())),
            ("received", FluentValue::from(totals[0])),
            ("answered", FluentValue::from(totals[1])),
            ("on_time", FluentValue::from(totals[2])),
            ("overdue", FluentValue::from(totals[3])),
        ],
    );
    let labels: Vec<String> = SERIES.iter().map(|(_, label, _)| p.t(label)).collect();
    html! {
        figure.chart #months-chart {
            svg xmlns="http://www.w3.org/2000/svg" viewBox={ "0 0 " (W) " " (H) } role="img"
                aria-labelledby="months-chart-title months-chart-desc" width="100%" {
                title #months-chart-title { (p.t("ap-bodies-chart-title")) }
                desc #months-chart-desc { (desc) }
                g aria-hidden="true" font-family="sans-serif" font-size="12" fill=(TEXT) {
                    line x1=(LEFT) y1=(TOP) x2=(LEFT) y2=(TOP + plot_h) stroke=(AXIS) stroke-width="1" {}
                    line x1=(LEFT) y1=(TOP + plot_h) x2=(W - RIGHT) y2=(TOP + plot_h) stroke=(AXIS) stroke-width="1" {}
                    text x=(LEFT - 6.0) y=(TOP + 10.0) text-anchor="end" { (max) }
                    text x=(LEFT - 6.0) y=(TOP + plot_h) text-anchor="end" { "0" }
                    @for (i, (month, _)) in shown.iter().enumerate() {
                        @if i % label_every == 0 {
                            text x=(format!("{:.1}", LEFT + group * (i as f64 + 0.5))) y=(H - 8.0) text-anchor="middle" font-size="11" {
                                (month)
                            }
                        }
                    }
                }
                g.legend aria-hidden="true" font-family="sans-serif" font-size="12" fill=(TEXT) {
                    @for (k, ((_, _, colour), label)) in SERIES.iter().zip(&labels).enumerate() {
                        @let x = LEFT + plot_w / 2.0 * (k % 2) as f64;
                        @let y = 6.0 + 18.0 * (k / 2) as f64;
                        rect x=(format!("{x:.1}")) y=(y) width="12" height="12" fill=(colour) {}
                        text x=(format!("{:.1}", x + 16.0)) y=(y + 10.0) { (label) }
                    }
                }
                @for (k, ((series, _, colour), label)) in SERIES.iter().zip(&labels).enumerate() {
                    g data-series=(series) fill=(colour) {
                        @for (i, (month, m)) in shown.iter().enumerate() {
                            @let v = values(m)[k];
                            @let h = plot_h * v as f64 / max as f64;
                            @let x = LEFT + group * i as f64 + group * 0.1 + bar * k as f64;
                            rect x=(format!("{x:.1}")) y=(format!("{:.1}", TOP + plot_h - h))
                                width=(format!("{bar:.1}")) height=(format!("{h:.1}")) data-month=(month) {
                                title { (month) " — " (label) ": " (v) }
                            }
                        }
                    }
                }
            }
            figcaption { (desc) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::UiLang;
    use dauys_core::Lang;

    fn page(lang: Lang) -> Page {
        Page::new(UiLang { lang, chosen: false }, &"/bodies/x".parse().unwrap())
    }

    fn svg_of(markup: &Markup) -> String {
        let html = markup.0.as_str();
        let start = html.find("<svg").expect("an svg element");
        let end = html.rfind("</svg>").expect("a closed svg element") + "</svg>".len();
        html[start..end].to_owned()
    }

    fn months(n: u32) -> Vec<(String, MonthRecord)> {
        (0..n)
            .map(|i| {
                let month = format!("{}-{:02}", 2024 + i / 12, i % 12 + 1);
                let m = MonthRecord {
                    received: u64::from(i) + 3,
                    answered: u64::from(i) + 2,
                    answered_on_time: u64::from(i) + 1,
                    overdue: u64::from(i % 2),
                };
                (month, m)
            })
            .collect()
    }

    #[test]
    fn the_chart_is_a_titled_image_with_four_bars_a_month() {
        for lang in Lang::ALL {
            let svg = svg_of(&months_chart(&page(lang), &months(3)));
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{lang}: {e}"));
            let root = doc.root_element();
            assert_eq!(root.attribute("role"), Some("img"));
            for id in root.attribute("aria-labelledby").expect("labelled").split(' ') {
                let named = doc.descendants().find(|n| n.attribute("id") == Some(id)).expect(id);
                assert!(named.text().is_some_and(|t| !t.is_empty()), "{id} is empty");
            }
            let bars: Vec<_> =
                doc.descendants().filter(|n| n.has_tag_name("rect") && n.has_attribute("data-month")).collect();
            assert_eq!(bars.len(), 3 * 4, "{lang}");
            assert!(bars.iter().all(|b| b.children().any(|c| c.has_tag_name("title"))), "each bar says its number");
        }
        // The tallest bar fills the plot; a zero is flat.
        let svg = svg_of(&months_chart(&page(Lang::En), &months(2)));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let height = |series: &str, month: &str| -> f64 {
            doc.descendants()
                .filter(|n| n.attribute("data-series") == Some(series))
                .flat_map(|g| g.children())
                .find(|r| r.attribute("data-month") == Some(month))
                .and_then(|r| r.attribute("height"))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(height("received", "2024-02"), H - TOP - BOTTOM);
        assert_eq!(height("overdue", "2024-01"), 0.0);
    }

    #[test]
    fn months_without_a_step_are_zeros_between_the_first_and_the_last() {
        let one = MonthRecord { received: 1, ..MonthRecord::default() };
        let record: BTreeMap<String, MonthRecord> =
            [("2025-11", one.clone()), ("2026-02", one.clone())].map(|(m, r)| (m.to_owned(), r)).into();
        let all = every_month(&record);
        let keys: Vec<&str> = all.iter().map(|(m, _)| m.as_str()).collect();
        assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(all[1].1, MonthRecord::default());
        assert_eq!(all[3].1, one);
        assert!(every_month(&BTreeMap::new()).is_empty());
        let odd: BTreeMap<String, MonthRecord> = [("2026-13".to_owned(), one.clone())].into();
        assert_eq!(every_month(&odd).len(), 1, "listed as it is");
    }

    #[test]
    fn only_the_last_two_years_are_drawn_and_none_is_said_in_words() {
        let svg = svg_of(&months_chart(&page(Lang::Ru), &months(30)));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let drawn: std::collections::BTreeSet<&str> =
            doc.descendants().filter_map(|n| n.attribute("data-month")).collect();
        assert_eq!(drawn.len(), MONTHS);
        assert_eq!(drawn.first(), Some(&"2024-07"));
        assert_eq!(drawn.last(), Some(&"2026-06"));
        let empty = months_chart(&page(Lang::En), &[]).0;
        assert!(!empty.contains("<svg") && empty.contains("chart-empty"), "{empty}");
    }
}
