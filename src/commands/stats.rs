//! `berth stats`: containers' resource usage from their cgroups (cpu.stat, memory.current
//! and memory.max, io.stat, pids.current) and their init's /proc/PID/net/dev. A figure whose
//! controller is not delegated reads `--`, not zero. The first reading's CPU % is the
//! average since the container started; later ones are over the interval, as podman's.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::cgroup::stats::{sample, Sample};
use crate::cli::stats::StatsArgs;
use crate::config::Paths;
use crate::error::{Context, Error, Result};
use crate::format::{go_human_size, table, Template};
use crate::storage::container::{self, Container, Status};

/// The fields a `--format` template may use (podman's names).
const FIELDS: [&str; 10] = [
    "ID", "Name", "CPUPerc", "MemUsage", "MemPerc", "NetIO", "BlockIO", "PIDs", "CPU", "AVGCPU",
];

const MISSING: &str = "--";

/// One container's row, computed from two readings.
struct Row {
    id: String,
    name: String,
    cpu_perc: Option<f64>,
    avg_cpu: Option<f64>,
    cpu_usec: Option<u64>,
    sample: Sample,
}

fn pair(p: Option<(u64, u64)>) -> String {
    p.map_or_else(
        || MISSING.into(),
        |(a, b)| format!("{} / {}", go_human_size(a), go_human_size(b)),
    )
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| MISSING.into(), |v| format!("{v:.2}%"))
}

impl Row {
    fn mem_usage(&self) -> String {
        match (self.sample.mem_usage, self.sample.mem_limit) {
            (Some(u), Some(l)) => format!("{} / {}", go_human_size(u), go_human_size(l)),
            _ => MISSING.into(),
        }
    }

    fn mem_perc(&self) -> Option<f64> {
        match (self.sample.mem_usage, self.sample.mem_limit) {
            #[allow(clippy::cast_precision_loss)]
            (Some(u), Some(l)) if l > 0 => Some(u as f64 * 100.0 / l as f64),
            _ => None,
        }
    }

    fn cpu_time(&self) -> String {
        self.cpu_usec.map_or_else(
            || MISSING.into(),
            |u| format!("{:?}", Duration::from_micros(u)),
        )
    }

    fn value(&self) -> Value {
        json!({
            "ID": self.id.chars().take(12).collect::<String>(),
            "Name": self.name,
            "CPUPerc": percent(self.cpu_perc),
            "MemUsage": self.mem_usage(),
            "MemPerc": percent(self.mem_perc()),
            "NetIO": pair(self.sample.net_io),
            "BlockIO": pair(self.sample.block_io),
            "PIDs": self.sample.pids.map_or_else(|| MISSING.into(), |p| p.to_string()),
            "CPU": self.cpu_time(),
            "AVGCPU": percent(self.avg_cpu),
        })
    }

    /// podman's `stats --format json` object.
    fn json(&self) -> Value {
        let v = self.value();
        json!({
            "id": v["ID"], "name": v["Name"], "cpu_time": v["CPU"], "cpu_percent": v["CPUPerc"],
            "avg_cpu": v["AVGCPU"], "mem_usage": v["MemUsage"], "mem_percent": v["MemPerc"],
            "net_io": v["NetIO"], "block_io": v["BlockIO"], "pids": v["PIDs"],
        })
    }
}

/// What a container's previous reading was, for the next one's CPU %.
struct Previous {
    cpu_usec: Option<u64>,
    at: Instant,
}

fn read(ctr: &Container, prev: Option<&Previous>) -> Row {
    let state = ctr.state().ok();
    let running = state
        .as_ref()
        .is_some_and(|s| s.status == Status::Running && s.is_alive());
    let leaf = crate::cgroup::leaf_of(&ctr.config.options.extras.cgroup, &ctr.config.id)
        .filter(|l| running && l.exists());
    let sample = match &leaf {
        Some(l) => sample(&l.path, state.as_ref().and_then(|s| s.pid)),
        None => Sample::default(),
    };
    let elapsed_since_start = state.as_ref().and_then(|s| s.started_at).map(|t| {
        (chrono::Utc::now() - t)
            .num_microseconds()
            .unwrap_or(0)
            .max(1)
    });
    #[allow(clippy::cast_precision_loss)]
    let avg_cpu = match (sample.cpu_usec, elapsed_since_start) {
        (Some(u), Some(e)) => Some(u as f64 * 100.0 / e as f64),
        _ => None,
    };
    #[allow(clippy::cast_precision_loss)]
    let cpu_perc = match (prev, sample.cpu_usec) {
        (
            Some(Previous {
                cpu_usec: Some(p),
                at,
            }),
            Some(now),
        ) => {
            let wall = at.elapsed().as_micros().max(1) as f64;
            Some(now.saturating_sub(*p) as f64 * 100.0 / wall)
        }
        _ => avg_cpu,
    };
    Row {
        id: ctr.config.id.clone(),
        name: ctr.config.name.clone(),
        cpu_perc,
        avg_cpu,
        cpu_usec: sample.cpu_usec,
        sample,
    }
}

fn heading(field: &str) -> String {
    match field {
        "CPUPerc" => "CPU %".into(),
        "MemUsage" => "MEM USAGE / LIMIT".into(),
        "MemPerc" => "MEM %".into(),
        "NetIO" => "NET IO".into(),
        "BlockIO" => "BLOCK IO".into(),
        "CPU" => "CPU TIME".into(),
        "AVGCPU" => "AVG CPU %".into(),
        other => other.to_uppercase(),
    }
}

fn render(rows: &[Row], format: Option<&str>, template: Option<&Template>) -> Result<String> {
    if format == Some("json") {
        let list: Vec<Value> = rows.iter().map(Row::json).collect();
        return serde_json::to_string_pretty(&list)
            .map(|t| t + "\n")
            .context("write JSON");
    }
    if let Some(t) = template {
        let values: Vec<Value> = rows.iter().map(Row::value).collect();
        return t
            .render_rows(&values, &heading, true)
            .map_err(|e| Error::msg(format!("invalid --format: {e}")));
    }
    let mut table_rows = vec![[
        "ID",
        "NAME",
        "CPU %",
        "MEM USAGE / LIMIT",
        "MEM %",
        "NET IO",
        "BLOCK IO",
        "PIDS",
        "CPU TIME",
        "AVG CPU %",
    ]
    .map(String::from)
    .to_vec()];
    for r in rows {
        let v = r.value();
        table_rows.push(
            FIELDS
                .iter()
                .map(|f| v[*f].as_str().unwrap_or_default().to_string())
                .collect(),
        );
    }
    Ok(table(&table_rows))
}

/// Run `berth stats`.
pub fn execute(args: &StatsArgs) -> Result<()> {
    let format = args.format.as_deref().filter(|f| *f != "table");
    let template = match format {
        None | Some("json") => None,
        Some(t) => {
            let t = Template::parse(t)
                .map_err(|e| Error::msg(format!("invalid --format `{t}`: {e}")))?;
            t.check_fields(&FIELDS)
                .map_err(|e| Error::msg(format!("invalid --format: {e}")))?;
            Some(t)
        }
    };
    if args.interval == 0 {
        return Err(Error::msg(
            "invalid --interval `0`: it must be at least 1 second",
        ));
    }
    let paths = Paths::discover().context("find berth's directories")?;
    let named: Vec<Container> = args
        .containers
        .iter()
        .map(|n| container::find(&paths.data, n).map_err(super::lifecycle::no_such))
        .collect::<Result<_>>()?;
    for c in &named {
        if !c
            .state()
            .is_ok_and(|s| s.status == Status::Running && s.is_alive())
        {
            return Err(Error::msg(format!(
                "container {} is not running: container state improper",
                c.config.name
            )));
        }
    }
    let mut previous: std::collections::HashMap<String, Previous> = Default::default();
    loop {
        let ctrs = if named.is_empty() {
            container::list(&paths.data)
                .context("list containers")?
                .into_iter()
                .filter(|c| {
                    args.all
                        || c.state()
                            .is_ok_and(|s| s.status == Status::Running && s.is_alive())
                })
                .collect()
        } else {
            named.clone()
        };
        let rows: Vec<Row> = ctrs
            .iter()
            .map(|c| read(c, previous.get(&c.config.id)))
            .collect();
        let text = render(&rows, format, template.as_ref())?;
        if !args.no_stream && !args.no_reset && format.is_none() {
            // Clear the screen and go home, as podman's streaming table does.
            print!("\x1b[2J\x1b[H");
        }
        print!("{text}");
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        if args.no_stream {
            return Ok(());
        }
        for r in &rows {
            previous.insert(
                r.id.clone(),
                Previous {
                    cpu_usec: r.cpu_usec,
                    at: Instant::now(),
                },
            );
        }
        std::thread::sleep(Duration::from_secs(u64::from(args.interval)));
    }
}
