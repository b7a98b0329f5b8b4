//! Charts: the ECharts option of each chart is built in Rust with charming and embedded in
//! our own page (the ECharts script is served from `static/vendor`, never from a CDN: the
//! portal works offline and on a school network). Every chart carries the table of its
//! numbers, shown beside it for screen readers, for printing, and for those who would
//! rather read.

use charming::Chart;
use charming::component::{Axis, Grid, Legend};
use charming::element::{AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line};

/// A chart ready for a page: its option as JSON, and the same numbers as a table.
#[derive(Clone, Debug)]
pub struct ChartView {
    /// The element id.
    pub id: String,
    pub title: String,
    /// The ECharts option, as JSON.
    pub option: String,
    /// Column headings of the table.
    pub head: Vec<String>,
    /// Rows of the table, already written for people.
    pub rows: Vec<Vec<String>>,
    /// What the values count: the page formats the axis and the tooltip with it, in the
    /// reader's language.
    pub unit: Unit,
}

/// What a chart's values are, for formatting them in the reader's locale on the page
/// (JSON cannot carry a formatting function: `static/suku.js` reads `data-unit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// People, marks, sessions: whole numbers, and an axis that never shows halves.
    Count,
    /// Francs CFA: a short axis ("180 M"), the whole amount in the tooltip.
    Money,
    /// A mark or an average out of 20, two decimals at most.
    Mark,
    /// A percentage.
    Percent,
}

impl Unit {
    /// The name the page reads.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Money => "money",
            Unit::Mark => "mark",
            Unit::Percent => "percent",
        }
    }

    /// The value axis for this unit.
    fn axis(self) -> Axis {
        let y = Axis::new().type_(AxisType::Value);
        match self {
            // Counts and francs are whole: no 0.5 student, no half franc between ticks.
            Unit::Count | Unit::Money => y.min_interval(1.0),
            Unit::Mark | Unit::Percent => y,
        }
    }
}

impl ChartView {
    /// Nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// The school's colours first (green, gold), then distinct ones.
const COLOURS: [&str; 8] = [
    "#0b6e4f", "#f2b705", "#3b82c4", "#c2410c", "#7c3aed", "#0e9aa7", "#a16207", "#be185d",
];

fn base() -> Chart {
    Chart::new()
        .color(
            COLOURS
                .iter()
                .map(|c| charming::element::Color::from(*c))
                .collect::<Vec<_>>(),
        )
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        // One line of legend, paged by arrows when the series do not fit (a phone): wrapped,
        // it covered the axis.
        .legend(
            Legend::new()
                .type_(charming::component::LegendType::Scroll)
                .top("bottom"),
        )
        .grid(
            Grid::new()
                .left("3%")
                .right("4%")
                .top("8%")
                .bottom("14%")
                .contain_label(true),
        )
}

/// Bars per category, one series each (stacked when asked).
pub fn bars(
    unit: Unit,
    categories: &[String],
    series: &[(String, Vec<Option<f64>>)],
    stacked: bool,
    y_max: Option<f64>,
) -> String {
    let mut y = unit.axis();
    if let Some(m) = y_max {
        y = y.max(m);
    }
    let mut chart = base()
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(categories.to_vec()),
        )
        .y_axis(y);
    for (name, data) in series {
        let mut bar = Bar::new().name(name.as_str()).data(values(data));
        if stacked {
            bar = bar.stack("total");
        }
        chart = chart.series(bar);
    }
    serde_json::to_string(&chart).unwrap_or_default()
}

/// Lines over categories (dates), one series each.
pub fn lines(
    unit: Unit,
    categories: &[String],
    series: &[(String, Vec<Option<f64>>)],
    y_min: Option<f64>,
    y_max: Option<f64>,
) -> String {
    let mut y = unit.axis();
    if let Some(m) = y_min {
        y = y.min(m);
    }
    if let Some(m) = y_max {
        y = y.max(m);
    }
    let mut chart = base()
        .x_axis(
            Axis::new()
                .type_(AxisType::Category)
                .data(categories.to_vec()),
        )
        .y_axis(y);
    for (name, data) in series {
        chart = chart.series(
            Line::new()
                .name(name.as_str())
                .connect_nulls(true)
                .data(values(data)),
        );
    }
    serde_json::to_string(&chart).unwrap_or_default()
}

/// Missing values stay gaps (ECharts reads "-" as no value).
fn values(data: &[Option<f64>]) -> Vec<charming::datatype::DataPointItem> {
    data.iter()
        .map(|v| match v {
            Some(x) => charming::datatype::DataPointItem::from(*x),
            None => charming::datatype::DataPointItem::from("-"),
        })
        .collect()
}

/// Hundredths as a number for a chart (12,34 → 12.34).
pub fn h(v: i64) -> f64 {
    v as f64 / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_plain_json_with_our_numbers() {
        let o = bars(
            Unit::Count,
            &["6e A".into(), "6e B".into()],
            &[
                ("F".into(), vec![Some(12.0), None]),
                ("M".into(), vec![Some(3.0), Some(4.5)]),
            ],
            true,
            None,
        );
        let v: serde_json::Value = serde_json::from_str(&o).unwrap();
        // One axis is written as an object, several as a list.
        assert_eq!(v["xAxis"]["data"][1], "6e B");
        assert_eq!(v["series"][0]["type"], "bar");
        assert_eq!(v["series"][0]["stack"], "total");
        // Counts have no halves between their ticks.
        assert_eq!(v["yAxis"]["minInterval"], 1.0);
        // A missing value is ECharts' "-" (as a data item), a value is the number.
        let item = |x: &serde_json::Value| x.get("value").cloned().unwrap_or(x.clone());
        assert_eq!(item(&v["series"][0]["data"][1]), "-");
        assert_eq!(item(&v["series"][1]["data"][1]), 4.5);
        let l = lines(
            Unit::Mark,
            &["S1".into()],
            &[("Maths".into(), vec![Some(11.5)])],
            Some(0.0),
            Some(20.0),
        );
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert_eq!(v["series"][0]["type"], "line");
        assert_eq!(v["yAxis"]["max"], 20.0);
        assert!(v["yAxis"].get("minInterval").is_none());
    }
}
