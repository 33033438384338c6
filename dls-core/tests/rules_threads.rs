//! Validation reads its input in parallel (the rows of a services table, the rules of a rule
//! set, the two analyses side by side) and joins the results in input order, so a directory or
//! a rule set gives the same problems, in the same order, on one thread and on four: the
//! warnings of a valid set, and the report of one full of errors.

use dls_core::conditions::Conditions;
use dls_core::rules::{Rule, Target};
use dls_core::synthetic::{self, Scale};
use dls_core::{tabular, Directory, RuleSet};
use rayon::ThreadPoolBuilder;

/// Runs `f` on a rayon pool of `threads` threads.
fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

fn scale() -> Scale {
    Scale {
        municipalities: 30,
        min_kernen: 2,
        max_kernen: 6,
        regions: 4,
        ..Scale::NATIONAL
    }
}

/// The problems of validating `data` against `directory`, as text, in order.
fn problems(directory: &Directory, data: &dls_core::RuleSetData) -> Vec<String> {
    match RuleSet::new(directory, data.clone()) {
        Ok(r) => r.warnings().iter().map(|p| format!("{p:?}")).collect(),
        Err(report) => report.problems.iter().map(|p| format!("{p:?}")).collect(),
    }
}

#[test]
fn a_rule_set_gives_the_same_problems_on_one_thread_and_on_four() {
    let (mut dir_data, mut data) = synthetic::data(&scale(), 5);
    // every service routes by its own coverage too, with few priorities: ties and shadowing
    for (i, s) in dir_data.services.iter_mut().enumerate() {
        s.priority = Some((i % 3) as i32);
    }
    let (directory, _) = Directory::new(dir_data).unwrap_or_else(|e| panic!("{e}"));
    let warnings = on_threads(1, || problems(&directory, &data));
    assert!(warnings.len() > 10, "{}", warnings.len());
    assert_eq!(on_threads(4, || problems(&directory, &data)), warnings);
    // errors in many rules: unknown targets, areas and needs, inverted validity
    let template = data.rules[0].clone();
    for i in 0..600 {
        let mut r: Rule = template.clone();
        r.id = format!("broken-{i:03}").parse().unwrap();
        r.when = Conditions::default();
        match i % 3 {
            0 => r.target = Target::Service(format!("nobody-{i}").parse().unwrap()),
            1 => r.areas = vec![format!("GM{:04}", 9000 + i).parse().unwrap()],
            _ => r.needs = vec![format!("zorg.unknown{i}").parse().unwrap()],
        }
        data.rules.insert(i * 7 % data.rules.len(), r);
    }
    let errors = on_threads(1, || problems(&directory, &data));
    assert!(errors.len() >= 600, "{}", errors.len());
    assert_eq!(on_threads(4, || problems(&directory, &data)), errors);
}

#[test]
fn a_services_table_gives_the_same_services_and_problems_on_one_thread_and_on_four() {
    let (directory, _) = synthetic::generate(&scale(), 3);
    let org = directory.organisations()[0].id.to_string();
    let kern = directory.areas().kernen()[0].id.to_string();
    let mut good = String::from("id,organisation,name,needs,areas,age_min,priority\n");
    let mut bad = good.clone();
    let services = directory.services().iter().filter(|s| !s.needs.is_empty());
    for (i, s) in services.enumerate() {
        let needs: Vec<String> = s.needs.iter().map(|n| n.to_string()).collect();
        let line = format!(
            "s{i},{org},Service {i},{},kern:{kern},{},{}\n",
            needs.join(";"),
            i % 90,
            i % 4
        );
        good.push_str(&line);
        // one row in five with a bad cell: an age, an area, a priority
        bad.push_str(&match i % 5 {
            0 => line.replace(&format!(",{},", i % 90), ",-3,"),
            1 => line.replace(&format!("kern:{kern}"), "region:"),
            2 => line.replace(&format!(",{}\n", i % 4), ",high\n"),
            _ => line,
        });
    }
    let load = |text: &str, threads| {
        on_threads(threads, || {
            match tabular::load_tables(&directory, text.as_bytes(), None) {
                Ok((d, warnings)) => format!("{:?} {warnings:?}", d.services()),
                // every problem (the message lists the first twenty)
                Err(e) => format!("{e:?}"),
            }
        })
    };
    let one = load(&good, 1);
    assert!(one.starts_with('['), "{one}");
    assert_eq!(load(&good, 4), one);
    let one = load(&bad, 1);
    assert!(one.matches("row: ").count() > 100, "{one}");
    assert_eq!(load(&bad, 4), one);
}
