//! The data loaders on Statistics Norway's real files (tests/fixtures/data, see SOURCES.md):
//! the values read are the values in the files.

use std::collections::BTreeMap;

use regionprofil::config::DataOptions;
use regionprofil::data::{Cell, Table, csv, jsonstat};

use crate::support::fixtures;

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixtures().join("data").join(name)).expect("fixture data file")
}

fn jsonstat_table(name: &str) -> Table {
    jsonstat::read(&bytes(name), "boligpris", &format!("data/{name}"), &DataOptions::default())
        .expect("valid JSON-stat")
}

/// Every cell, by (row label, column label).
fn cells(table: &Table) -> BTreeMap<(String, String), Cell> {
    let mut out = BTreeMap::new();
    for row in &table.rows {
        for (column, cell) in table.columns.iter().zip(&row.cells) {
            out.insert((row.label.clone(), column.label.clone()), cell.clone());
        }
    }
    out
}

#[test]
fn json_stat_flattens_as_the_reference_implementation_does() {
    let table = jsonstat_table("ssb-07221-boligprisindeks.jsonstat2.json");
    assert_eq!(table.columns.iter().map(|c| c.label.as_str()).collect::<Vec<_>>()[..2], ["2022K1", "2022K2"]);
    assert_eq!(table.columns.len(), 8);
    assert_eq!(table.rows.len(), 12 * 3, "rows are region × dwelling type; the one-category metric is dropped");
    assert_eq!(table.label_header, "region, boligtype");
    assert_eq!(table.provenance.source.as_deref(), Some("Statistisk sentralbyrå"));
    assert_eq!(table.provenance.decimals, Some(1));

    let expected: Vec<serde_json::Value> =
        serde_json::from_slice(&bytes("ssb-07221-boligprisindeks.expected-rows.json")).expect("oracle");
    assert_eq!(expected.len(), 288);
    let cells = cells(&table);
    let mut missing = 0;
    for row in &expected {
        let key = (
            format!("{}, {}", row["region"].as_str().unwrap_or(""), row["boligtype"].as_str().unwrap_or("")),
            row["kvartal"].as_str().unwrap_or("").to_string(),
        );
        let cell = cells.get(&key).unwrap_or_else(|| panic!("no cell for {key:?}"));
        match row["value"].as_f64() {
            Some(v) => assert_eq!(cell, &Cell::Number(v), "{key:?}"),
            None => {
                assert_eq!(cell, &Cell::Missing("..".into()), "{key:?}");
                missing += 1;
            }
        }
    }
    assert_eq!(missing, 24);
    // Found by label or by code.
    assert_eq!(table.row("Innlandet, Småhus"), table.row("007, 02"));
    assert_eq!(table.column("2023K4"), Ok(7));
}

#[test]
fn a_sparse_value_object_reads_the_same_as_the_dense_array() {
    let dense = jsonstat_table("ssb-07221-boligprisindeks.jsonstat2.json");
    let sparse = jsonstat_table("ssb-07221-boligprisindeks.sparse-DERIVED.jsonstat2.json");
    assert_eq!(cells(&dense), cells(&sparse));
}

#[test]
fn a_windows_1252_csv_with_semicolons_and_decimal_commas_matches_the_json_stat() {
    let options = DataOptions {
        rows: Some("region".into()),
        columns: Some("kvartal".into()),
        filter: [("statistikkvariabel".to_string(), "Prisindeks for brukte boliger".to_string())].into(),
        ..DataOptions::default()
    };
    let table =
        csv::read(&bytes("ssb-07221-boligprisindeks.cp1252-DERIVED.csv"), "boligpris", "data/boligpris.csv", &options)
            .expect("valid CSV");
    assert_eq!(table.rows[0].label, "Hele landet, Eneboliger");
    let row = table.row("Oslo med Bærum, Småhus").expect("a label with æ survives Windows-1252");
    assert_eq!(table.rows[row].line, 2 + 3 * 8 + 8, "rows know the line they start on");
    assert_eq!(cells(&table), cells(&jsonstat_table("ssb-07221-boligprisindeks.jsonstat2.json")));
}

#[test]
fn a_statbank_extract_reads_the_same_in_utf8_and_latin1() {
    let options = DataOptions {
        rows: Some("region".into()),
        columns: Some("tid".into()),
        filter: [("statistikkvariabel".to_string(), "Folkemengde".to_string())].into(),
        ..DataOptions::default()
    };
    let utf8 = csv::read(&bytes("ssb-folkemengde-fylker-1951-2015.extract-oppland.csv"), "f", "data/f.csv", &options)
        .expect("utf-8");
    let latin1 = csv::read(
        &bytes("ssb-folkemengde-fylker-1951-2015.extract-oppland.latin1-DERIVED.csv"),
        "f",
        "data/f.csv",
        &options,
    )
    .expect("latin-1");
    assert_eq!(cells(&utf8), cells(&latin1));
    let oppland = utf8.row("05").expect("found by its code");
    assert_eq!(utf8.rows[oppland].label, "05 Oppland");
    assert_eq!(utf8.cell(oppland, utf8.column("1951").expect("1951")), &Cell::Number(160496.0));
    assert_eq!(utf8.cell(oppland, utf8.column("1952").expect("1952")), &Cell::Number(161678.0));
    assert!(utf8.title.as_deref().is_some_and(|t| t.starts_with("Folkemengde 1. januar og endringer i kalenderåret")));
    // The odd labels survive: parentheses and Sami names.
    assert!(utf8.row("13 Bergen (t.o.m. 1971)").is_ok());
    assert!(utf8.row("20 Finnmark Finnmárku").is_ok());
}

#[test]
fn without_a_filter_other_dimensions_join_the_row_label() {
    let options = DataOptions { rows: Some("region".into()), columns: Some("tid".into()), ..DataOptions::default() };
    let table = csv::read(&bytes("ssb-folkemengde-fylker-1951-2015.extract-oppland.csv"), "f", "data/f.csv", &options)
        .expect("csv");
    let row = table.row("05 Oppland, Levendefødte").expect("joined label");
    assert_eq!(table.cell(row, table.column("1951").expect("1951")), &Cell::Number(2913.0));
}
