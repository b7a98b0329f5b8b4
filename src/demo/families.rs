//! The demo's 2 000 students, spread over the classes, in families: siblings share a
//! surname and a guardian, collège and lycée students have their own login.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use rand::Rng;

use super::{Class, Names, names, user};
use crate::auth::Role;
use crate::db::Tx;
use crate::school::{self, StudentInput};

/// The families; the demo parent (phone, their children's classes) and the demo student's
/// e-mail.
#[allow(clippy::type_complexity)]
pub(super) async fn seed(
    tx: &mut Tx<'_>,
    n: &mut Names,
    hash: &str,
    classes: &[Class],
) -> anyhow::Result<(Option<(String, Vec<usize>)>, Option<String>)> {
    let total_students = 2_000usize;
    let mut made = 0usize;
    let mut matricule = 0u32;
    let mut class_fill: Vec<usize> = classes
        .iter()
        .map(|c| {
            if c.cycle == "primaire" {
                41
            } else if c.cycle == "college" {
                47
            } else {
                42
            }
        })
        .collect();
    let scale = total_students as f64 / class_fill.iter().sum::<usize>() as f64;
    for f in class_fill.iter_mut() {
        *f = ((*f as f64) * scale).round() as usize;
    }
    // Rounding leaves a few seats over or short: settle them on the largest classes.
    let mut diff = total_students as i64 - class_fill.iter().sum::<usize>() as i64;
    let mut i = 0;
    while diff != 0 {
        let k = i % class_fill.len();
        if diff > 0 {
            class_fill[k] += 1;
            diff -= 1;
        } else if class_fill[k] > 30 {
            class_fill[k] -= 1;
            diff += 1;
        }
        i += 7;
    }
    let mut seats: Vec<usize> = Vec::new();
    for (i, f) in class_fill.iter().enumerate() {
        seats.extend(std::iter::repeat_n(i, *f));
    }
    // Shuffle seats deterministically so that families spread across classes.
    for i in (1..seats.len()).rev() {
        let j = n.rng.random_range(0..=i);
        seats.swap(i, j);
    }
    let mut demo_parent: Option<(String, Vec<usize>)> = None;
    let mut demo_student: Option<String> = None;
    while made < seats.len() {
        let family = n.pick(names::SURNAMES).to_string();
        let kids = [1, 1, 1, 2, 2, 3, 4][n.rng.random_range(0..7usize)].min(seats.len() - made);
        let mother = n.rng.random_bool(0.55);
        let g_first = n.given(mother);
        let g_phone = n.phone();
        let g_email = n
            .rng
            .random_bool(0.3)
            .then(|| n.email(&g_first, &family, "gmail.com"));
        let guardian = user(
            tx,
            hash,
            &g_first,
            &family,
            g_email,
            Some(g_phone.clone()),
            &[Role::Parent],
        )
        .await?;
        let relationship = if mother { "mere" } else { "pere" };
        let mut kid_classes = Vec::new();
        let mut sibling_names = HashSet::new();
        for _ in 0..kids {
            let ci = seats[made];
            made += 1;
            let c = &classes[ci];
            let girl = n.rng.random_bool(0.49);
            let mut first = n.given(girl);
            while !sibling_names.insert(first.clone()) {
                first = n.given(girl);
            }
            let born_year = 2020 - c.level_ord as i32 - i32::from(n.rng.random_bool(0.2));
            let birth = NaiveDate::from_ymd_opt(
                born_year,
                n.rng.random_range(1..=12),
                n.rng.random_range(1..=28),
            )
            .expect("valid birth date");
            matricule += 1;
            let input = StudentInput {
                matricule: format!("LUM-{:05}", 26_000 + matricule),
                first_name: first.clone(),
                last_name: family.clone(),
                sex: if girl { "F" } else { "M" },
                birth_date: Some(birth),
                birth_place: Some(n.pick(names::TOWNS).to_string()),
            };
            // Collège and lycée students have their own login.
            let uid = if c.cycle != "primaire" {
                let email = n.email(&first, &family, "eleves.lumiere.tg");
                let id = user(
                    tx,
                    hash,
                    &first,
                    &family,
                    Some(email.clone()),
                    None,
                    &[Role::Student],
                )
                .await?;
                if demo_student.is_none() && c.level == "1ère" {
                    demo_student = Some(email);
                }
                Some(id)
            } else {
                None
            };
            let sid = school::insert_student(&mut **tx, &input, uid, Utc::now()).await?;
            school::enroll(&mut **tx, sid, c.id, Utc::now()).await?;
            school::link_guardian(&mut **tx, sid, guardian, relationship).await?;
            kid_classes.push(ci);
        }
        if demo_parent.is_none() && kid_classes.len() == 2 && kid_classes[0] != kid_classes[1] {
            demo_parent = Some((g_phone, kid_classes));
        }
    }
    Ok((demo_parent, demo_student))
}
