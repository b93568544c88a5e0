//! Applying a scenario: to a copy of the centre configuration (in its file shape,
//! [`rota_data::config::raw`], so the changed centre is validated by exactly the rules a hand-edited
//! `centre.toml` would be) and to the forecast figures staffing plans to.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rota_data::config::raw::{RawAgent, RawChannel, RawShrinkage};
use rota_data::config::CentreConfig;

use super::spec::{ChannelChange, HeadcountChange, Scenario, SkillPool};
use super::ScenarioError;
use rota_staffing::ForecastPoint;

/// Every channel a scenario names must be configured.
fn check_channels(config: &CentreConfig, s: &Scenario) -> Result<(), ScenarioError> {
    let mut named: Vec<(String, String)> = s
        .channels
        .keys()
        .map(|c| (format!("channels.{c}"), c.clone()))
        .collect();
    for (i, sh) in s.shift.iter().enumerate() {
        named.push((format!("shift[{i}].from"), sh.from.clone()));
        named.push((format!("shift[{i}].to"), sh.to.clone()));
    }
    if let Some(skills) = &s.skills {
        for (i, p) in skills.pool.iter().enumerate() {
            for c in &p.channels {
                named.push((format!("skills.pool[{i}].channels"), c.clone()));
            }
        }
    }
    for (key, name) in named {
        if config.channel(&name).is_none() {
            return Err(ScenarioError::UnknownChannel {
                scenario: s.name.clone(),
                key,
                name,
                known: config.channel_list(),
            });
        }
    }
    Ok(())
}

/// The centre with the scenario's configuration changes (AHT, patience, targets, shrinkage,
/// opening hours, skills, headcount), validated as a whole.
pub fn apply_to_config(base: &CentreConfig, s: &Scenario) -> Result<CentreConfig, ScenarioError> {
    check_channels(base, s)?;
    let name = s.name.as_str();
    let mut raw = base.to_raw();
    if let Some(total) = s.shrinkage {
        raw.shrinkage = Some(RawShrinkage::total(total));
    }
    for (ch, change) in &s.channels {
        // `check_channels` found every channel named.
        if let Some(channel) = raw.channels.get_mut(ch) {
            change_channel(channel, change);
        }
    }
    if let Some(skills) = &s.skills {
        for pool in &skills.pool {
            pool_skills(&mut raw.agents, pool);
        }
    }
    if let Some(h) = &s.headcount {
        change_headcount(&mut raw.agents, h).map_err(|message| ScenarioError::Apply {
            scenario: name.to_string(),
            message,
        })?;
    }
    CentreConfig::from_raw(&raw, &format!("centre with scenario \"{name}\"")).map_err(|source| {
        ScenarioError::Centre {
            scenario: name.to_string(),
            source,
        }
    })
}

/// A channel's configuration changes: AHT (absolute or relative), patience, its own shrinkage
/// total, opening hours (replaced), targets (the keys given).
fn change_channel(channel: &mut RawChannel, change: &ChannelChange) {
    if let Some(aht) = change.aht_seconds {
        channel.aht_seconds = aht;
    }
    if let Some(rel) = change.aht_change {
        channel.aht_seconds *= 1.0 + rel;
    }
    if let Some(p) = change.patience_seconds {
        channel.patience_seconds = Some(p);
    }
    if let Some(total) = change.shrinkage {
        channel.shrinkage = Some(RawShrinkage::total(total));
    }
    if let Some(hours) = &change.hours {
        channel.hours = Some(hours.clone());
    }
    if let Some(targets) = &change.targets {
        channel.targets.get_or_insert_default().overlay(targets);
    }
}

/// Every agent (of the pool's teams, or all) who has any skill of the pool learns all of it.
fn pool_skills(agents: &mut [RawAgent], pool: &SkillPool) {
    for a in agents {
        let team = a.team.as_deref().unwrap_or_default();
        if !pool.teams.is_empty() && !pool.teams.iter().any(|t| t == team) {
            continue;
        }
        let has = a.skills.clone();
        if pool.channels.iter().any(|c| has.contains(c)) {
            for c in &pool.channels {
                if !has.contains(c) {
                    a.skills.push(c.clone());
                }
            }
        }
    }
}

/// Agents leave, then new agents join as copies of existing ones (`<like>-new<k>`, without leave
/// or fixed shifts).
fn change_headcount(agents: &mut Vec<RawAgent>, h: &HeadcountChange) -> Result<(), String> {
    for id in &h.remove {
        let before = agents.len();
        agents.retain(|a| &a.id != id);
        if agents.len() == before {
            return Err(format!("headcount.remove: no agent has id {id:?}"));
        }
    }
    for add in &h.add {
        let template = agents
            .iter()
            .find(|a| a.id == add.like)
            .cloned()
            .ok_or_else(|| format!("headcount.add: no agent has id {:?} to copy", add.like))?;
        for k in 1..=add.count {
            agents.push(RawAgent {
                id: format!("{}-new{k}", add.like),
                name: format!("New advisor {k} (like {})", template.name),
                leave: None,
                fixed_shifts: None,
                ..template.clone()
            });
        }
    }
    Ok(())
}

/// Applies the scenario's demand changes to the forecast figures, in this order: channel shifts
/// (on the forecast as it is), `volume_change`, `deflection`, then AHT (`aht_seconds` replaces the
/// AHT of every interval; `aht_change` scales it). Returns notes in plain words.
///
/// Shifted contacts keep their local date and follow the receiving channel's intraday pattern that
/// day; contacts that would move on a day the receiving channel has no forecast volume (closed)
/// are reported and dropped.
pub fn apply_to_demand(points: &mut [ForecastPoint], s: &Scenario) -> Vec<String> {
    let mut notes = Vec::new();
    for sh in &s.shift {
        let conversion = sh.conversion.unwrap_or(1.0);
        let mut moved: BTreeMap<NaiveDate, f64> = BTreeMap::new();
        for p in points.iter_mut().filter(|p| p.channel == sh.from.as_str()) {
            let m = p.offered * sh.share;
            p.offered -= m;
            *moved.entry(p.interval_start.date_naive()).or_default() += m * conversion;
        }
        let mut to_day: BTreeMap<NaiveDate, f64> = BTreeMap::new();
        for p in points.iter().filter(|p| p.channel == sh.to.as_str()) {
            *to_day.entry(p.interval_start.date_naive()).or_default() += p.offered;
        }
        let mut dropped = 0.0;
        for p in points.iter_mut().filter(|p| p.channel == sh.to.as_str()) {
            let d = p.interval_start.date_naive();
            let total = to_day.get(&d).copied().unwrap_or(0.0);
            if total > 0.0 {
                p.offered += moved.get(&d).copied().unwrap_or(0.0) * p.offered / total;
            }
        }
        for (d, m) in &moved {
            if to_day.get(d).copied().unwrap_or(0.0) <= 0.0 {
                dropped += m;
            }
        }
        let total_moved: f64 = moved.values().sum();
        notes.push(format!(
            "shift: {:.0} {} contacts become {:.0} {} contacts",
            total_moved / conversion,
            sh.from,
            total_moved - dropped,
            sh.to
        ));
        if dropped > 0.5 {
            notes.push(format!(
                "shift: {dropped:.0} {} contacts would arrive on days {} is closed and are not planned",
                sh.to, sh.to
            ));
        }
    }
    for (ch, c) in &s.channels {
        let factor = (1.0 + c.volume_change.unwrap_or(0.0)) * (1.0 - c.deflection.unwrap_or(0.0));
        for p in points.iter_mut().filter(|p| p.channel == ch.as_str()) {
            p.offered *= factor;
            if let Some(aht) = c.aht_seconds {
                p.aht_s = aht;
            }
            if let Some(rel) = c.aht_change {
                p.aht_s *= 1.0 + rel;
            }
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, FixedOffset};

    fn point(ch: &str, t: &str, offered: f64) -> ForecastPoint {
        ForecastPoint {
            interval_start: DateTime::<FixedOffset>::parse_from_rfc3339(t).unwrap(),
            channel: rota_data::channel::ChannelName::parse(ch).unwrap(),
            offered,
            aht_s: 600.0,
        }
    }

    fn scenario(text: &str) -> Scenario {
        Scenario::from_toml_str(text, "t.toml").unwrap()
    }

    #[test]
    fn volume_deflection_and_aht() {
        let mut pts = vec![
            point("voice", "2026-11-16T09:00:00+00:00", 10.0),
            point("chat", "2026-11-16T09:00:00+00:00", 10.0),
        ];
        let s = scenario(
            "name='x'\n[channels.voice]\nvolume_change=-0.1\naht_seconds=514\n[channels.chat]\ndeflection=0.4\naht_change=-0.5\n",
        );
        apply_to_demand(&mut pts, &s);
        assert!((pts[0].offered - 9.0).abs() < 1e-9);
        assert_eq!(pts[0].aht_s, 514.0);
        assert!((pts[1].offered - 6.0).abs() < 1e-9);
        assert_eq!(pts[1].aht_s, 300.0);
    }

    #[test]
    fn shift_conserves_contacts_and_follows_the_receiving_pattern() {
        let mut pts = vec![
            point("email", "2026-11-16T02:00:00+00:00", 10.0),
            point("email", "2026-11-16T10:00:00+00:00", 10.0),
            point("chat", "2026-11-16T09:00:00+00:00", 1.0),
            point("chat", "2026-11-16T10:00:00+00:00", 3.0),
        ];
        let s = scenario("name='x'\n[[shift]]\nfrom='email'\nto='chat'\nshare=0.2\n");
        apply_to_demand(&mut pts, &s);
        let total: f64 = pts.iter().map(|p| p.offered).sum();
        assert!((total - 24.0).abs() < 1e-9);
        assert!((pts[2].offered - 2.0).abs() < 1e-9);
        assert!((pts[3].offered - 6.0).abs() < 1e-9);
    }

    #[test]
    fn config_changes_are_validated_and_applied() {
        let base = CentreConfig::sample().unwrap();
        let s = scenario(
            r#"
            name = "x"
            shrinkage = 0.2
            [channels.voice]
            aht_change = -0.5
            patience_seconds = 300
            targets = { max_abandon_rate = 0.05 }
            [skills]
            pool = [{ channels = ["voice", "email"] }]
            [headcount]
            add = [{ like = "NH004", count = 2 }]
            remove = ["NH002"]
            "#,
        );
        let c = apply_to_config(&base, &s).unwrap();
        let voice = c.channel("voice").unwrap();
        assert_eq!(voice.aht_seconds(), 450.0);
        assert_eq!(voice.patience_seconds(), Some(300.0));
        assert_eq!(voice.targets().max_abandon_rate(), Some(0.05));
        assert_eq!(
            voice.targets().max_asa_seconds(),
            base.channel("voice").unwrap().targets().max_asa_seconds()
        );
        assert!((c.shrinkage().total() - 0.2).abs() < 1e-12);
        assert_eq!(c.agents().len(), base.agents().len() + 1);
        assert!(c.agent("NH002").is_none());
        assert!(c.agent("NH004-new2").is_some());
        // Voice specialists learn email and back-office email specialists learn voice.
        let email = rota_data::channel::ChannelName::parse("email").unwrap();
        let v = rota_data::channel::ChannelName::parse("voice").unwrap();
        assert!(c.agent("NH004").unwrap().has_skill(&email));
        assert!(c.agent("NH036").unwrap().has_skill(&v));
    }

    #[test]
    fn hours_replace_and_targets_overlay_the_configured_ones() {
        let base = CentreConfig::sample().unwrap();
        let s = scenario(
            "name='x'\n[channels.chat]\nhours={weekdays=['08:00-20:00']}\n\
             targets={service_level={share=0.9, within_seconds=15}}\n[channels.email]\nshrinkage=0.3\n",
        );
        let c = apply_to_config(&base, &s).unwrap();
        let (chat, before) = (c.channel("chat").unwrap(), base.channel("chat").unwrap());
        let monday = chrono::Weekday::Mon;
        assert_eq!(chat.hours().ranges(monday)[0].to_string(), "08:00-20:00");
        assert!(chat.hours().ranges(chrono::Weekday::Sat).is_empty());
        let sl = chat.targets().service_level().unwrap();
        assert_eq!((sl.share(), sl.within_seconds()), (0.9, 15.0));
        assert_eq!(
            chat.targets().max_abandon_rate(),
            before.targets().max_abandon_rate()
        );
        assert!((c.channel("email").unwrap().shrinkage().total() - 0.3).abs() < 1e-12);
    }

    #[test]
    fn unknown_agents_are_named() {
        let base = CentreConfig::sample().unwrap();
        let s = scenario("name='x'\n[headcount]\nremove=['NOPE']\n");
        let e = apply_to_config(&base, &s).unwrap_err().to_string();
        assert_eq!(
            e,
            "scenario \"x\": headcount.remove: no agent has id \"NOPE\""
        );
        let s = scenario("name='x'\n[headcount]\nadd=[{like='NOPE', count=1}]\n");
        let e = apply_to_config(&base, &s).unwrap_err().to_string();
        assert!(e.contains("no agent has id \"NOPE\" to copy"), "{e}");
    }

    #[test]
    fn unknown_channel_and_invalid_result_are_errors() {
        let base = CentreConfig::sample().unwrap();
        let s = scenario("name='x'\n[channels.webchat]\ndeflection=0.4\n");
        let e = apply_to_config(&base, &s).unwrap_err().to_string();
        assert!(e.contains("webchat") && e.contains("voice"), "{e}");
        let s = scenario("name='x'\n[channels.voice]\ntargets = { max_abandon_rate = 3.0 }\n");
        let e = apply_to_config(&base, &s).unwrap_err().to_string();
        assert!(e.contains("max_abandon_rate"), "{e}");
    }
}
