use super::*;
use crate::highlight::Highlighter;

/// A host with one page (`jobb/sykepleier.md`, doc 7), one unpublished page, and two
/// shortcodes: `echo` prints its `text` argument, `box` wraps its body.
struct FakeHost {
    highlighter: Highlighter,
    link_hook: bool,
    /// The image hook fails, as a template with a mistake does.
    image_hook_fails: bool,
}

impl Host for FakeHost {
    fn resolve(&self, path: &str, _lang: LangId) -> Resolved {
        match path {
            "jobb/sykepleier.md" => Resolved::Found { path: "/region/jobb/sykepleier/".into(), doc: 7 },
            "gammel.md" => Resolved::Unpublished("expired on 2020-01-01".into()),
            _ => Resolved::Missing { hint: None },
        }
    }

    fn shortcode(&self, site: &CallSite, body: Option<&str>) -> Result<String, Diagnostic> {
        match (site.call.name.as_str(), body) {
            ("echo", None) => match site.call.arg("text").map(|a| &a.value) {
                Some(ArgValue::Str(s)) => Ok(format!("<b>{s}#{}</b>", site.nth)),
                _ => Err(Diagnostic::error("`text` must be a string").at(site.at_arg("text"))),
            },
            ("box", Some(body)) => Ok(format!("<div class=\"box\">{body}</div>")),
            (name, _) => Err(Diagnostic::error(format!("unknown shortcode `{name}`"))),
        }
    }

    fn hook(&self, hook: &Hook, _doc: DocId) -> Option<Result<String, Diagnostic>> {
        match hook {
            Hook::Image { .. } if self.image_hook_fails => Some(Err(Diagnostic::error("the image hook failed"))),
            Hook::Link { url, text, .. } if self.link_hook => {
                Some(Ok(format!("<a class=\"hooked\" href=\"{url}\">{text}</a>")))
            }
            _ => None,
        }
    }

    fn highlighter(&self) -> &Highlighter {
        &self.highlighter
    }
}

fn check(markdown: &str) -> (Rendered, Vec<Diagnostic>) {
    check_with(markdown, false)
}

fn check_with(markdown: &str, link_hook: bool) -> (Rendered, Vec<Diagnostic>) {
    let text = format!("---\ntitle: T\n---\n{markdown}");
    let host = FakeHost { highlighter: Highlighter::new(), link_hook, image_hook_fails: false };
    let input = DocInput { doc: 0, lang: 0, file: "content/a.md", text: &text, body: 16..text.len() };
    render(&input, &host)
}

#[test]
fn headings_get_unique_slug_ids_and_a_nested_toc() {
    let (out, diags) = check("## Lønn og vilkår\n\n### Detaljer\n\n## Lønn og vilkår\n\n## Eget {#mitt-id}\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(out.html.contains("<h2 id=\"lonn-og-vilkar\">Lønn og vilkår</h2>"), "{}", out.html);
    assert!(out.html.contains("<h2 id=\"lonn-og-vilkar-1\">"), "{}", out.html);
    assert!(out.html.contains("<h2 id=\"mitt-id\">"), "{}", out.html);
    let toc = out.toc.nested();
    assert_eq!(toc.len(), 3);
    assert_eq!(toc[0].children[0].id, "detaljer");
}

#[test]
fn internal_links_resolve_and_record_anchors() {
    let (out, diags) = check("Se [stillingen](@/jobb/sykepleier.md#lonn).\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(out.html.contains("href=\"/region/jobb/sykepleier/#lonn\""), "{}", out.html);
    assert_eq!(out.links.len(), 1);
    assert_eq!(out.links[0].anchor, "lonn");
    assert_eq!((out.links[0].at.line, out.links[0].at.col), (4, 4));
}

#[test]
fn broken_links_are_errors_at_their_line() {
    let (_, diags) = check("Tekst\n\n[borte](@/finnes-ikke.md)\n");
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "the link to `@/finnes-ikke.md` points at no page");
    assert_eq!(diags[0].location.as_ref().map(|l| (l.line, l.col)), Some((6, 1)));
}

#[test]
fn links_to_unpublished_pages_become_text_with_a_warning() {
    let (out, diags) = check("Les [den gamle](@/gammel.md) saken.\n");
    assert!(out.html.contains("Les den gamle saken."), "{}", out.html);
    assert_eq!(diags.len(), 1);
    assert!(!diags[0].is_error());
}

#[test]
fn shortcodes_render_inline_and_as_blocks_but_never_in_code() {
    let md = "Tall: {{ echo(text=\"a\") }}.\n\n{{ echo(text=\"b\") }}\n\n`{{ echo(text=\"c\") }}`\n\n```\n{{ echo(text=\"d\") }}\n```\n";
    let (out, diags) = check(md);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(out.html.contains("<p>Tall: <b>a#1</b>.</p>"), "{}", out.html);
    assert!(out.html.contains("\n<b>b#2</b>\n"), "{}", out.html);
    assert!(!out.html.contains("<p><b>b#2</b></p>"), "{}", out.html);
    assert!(out.html.contains("<code>{{ echo(text=\"c\") }}</code>"), "{}", out.html);
    assert!(out.html.contains("{{ echo(text=&quot;d&quot;) }}"), "{}", out.html);

    let indented_and_tilde = "Før.\n\n    {{ echo(text=\"e\") }}\n\n~~~\n{{ echo(text=\"f\") }}\n~~~\n";
    let (out, diags) = check(indented_and_tilde);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(out.html.contains("<code>{{ echo(text=&quot;e&quot;) }}"), "{}", out.html);
    assert!(out.html.contains("{{ echo(text=&quot;f&quot;) }}"), "{}", out.html);
    assert!(!out.html.contains("<b>"), "{}", out.html);
}

#[test]
fn body_shortcodes_render_their_markdown_with_nested_shortcodes() {
    let (out, diags) = check("{% box() %}\n**fet** {{ echo(text=\"x\") }}\n{% end %}\n");
    assert!(diags.is_empty(), "{diags:?}");
    assert!(out.html.contains("<div class=\"box\"><p><strong>fet</strong> <b>x#1</b></p>\n</div>"), "{}", out.html);
}

#[test]
fn shortcode_errors_point_at_the_argument() {
    let (_, diags) = check("Her: {{ echo(text=3) }}\n");
    assert_eq!(diags[0].message, "`text` must be a string");
    assert_eq!(diags[0].location.as_ref().map(|l| (l.line, l.col, l.len)), Some((4, 14, 6)));
    let (_, diags) = check("{{ nope() }}\n");
    assert_eq!(diags[0].message, "unknown shortcode `nope`");
    assert_eq!(diags[0].location.as_ref().map(|l| (l.line, l.col)), Some((4, 4)));
}

#[test]
fn summary_ends_at_more_and_code_is_highlighted() {
    let (out, _) = check("Ingress.\n\n<!-- more -->\n\nResten.\n\n```rust\nfn main() {}\n```\n");
    assert_eq!(out.summary.as_deref(), Some("<p>Ingress.</p>\n"));
    assert!(out.has_code);
    assert!(
        out.html.contains("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-"),
        "{}",
        out.html
    );
}

#[test]
fn extensions_are_on() {
    let (out, _) = check("| a | b |\n|---|--:|\n| 1 | 2 |\n\n~~x~~ \"q\" [^1]\n\n- [x] gjort\n\n[^1]: Note.\n");
    for needle in ["<table>", "<del>x</del>", "“q”", "footnote", "type=\"checkbox\""] {
        assert!(out.html.contains(needle), "{needle} in {}", out.html);
    }
}

#[test]
fn hooks_replace_elements() {
    let (out, _) = check_with("[a](https://example.org)\n", true);
    assert!(out.html.contains("<a class=\"hooked\" href=\"https://example.org\">a</a>"), "{}", out.html);
}

#[test]
fn images_without_description_empty_links_and_skipped_headings_are_warned_about() {
    let (_, diags) = check(concat!(
        "![](kart.svg) ![bilde](a.jpg) ![kart.svg](kart.svg) ![Kart over Øyer](kart.svg)\n\n",
        "[](https://example.org/) [![Logo](logo.svg)](https://example.org/) [{{ echo(text=\"x\") }}](@/jobb/sykepleier.md)\n\n",
        "#### For dypt\n\n## Greit\n\n### Greit\n\n##### For dypt\n\n",
        "<img src=\"a.svg\"> <img alt=\"\" src=\"b.svg\"> <IMG SRC=c.svg ALT=Kart> <imgx>\n",
    ));
    let found: Vec<(String, u32, u32)> = diags
        .iter()
        .map(|d| {
            let at = d.location.as_ref().expect("located");
            (d.message.clone(), at.line, at.col)
        })
        .collect();
    assert_eq!(
        found,
        [
            ("the image `kart.svg` has no alt text".to_string(), 4, 1),
            ("the alt text of the image `a.jpg` is `bilde`, which says nothing".to_string(), 4, 15),
            ("the alt text of the image `kart.svg` is `kart.svg`, which says nothing".to_string(), 4, 31),
            ("the link to `https://example.org/` has no text".to_string(), 6, 1),
            ("this heading skips from level 1 to level 4".to_string(), 8, 1),
            ("this heading skips from level 3 to level 5".to_string(), 14, 1),
            ("an `<img>` in this HTML has no `alt` attribute".to_string(), 16, 1),
        ]
        .to_vec()
    );
    assert!(diags.iter().all(|d| !d.is_error()), "warnings only");
    assert_eq!(diags[4].hint.as_deref(), Some("use `##`: the page title is the level-1 heading"));
}

#[test]
fn a_failing_hook_is_reported_at_its_element() {
    let text = "---\ntitle: T\n---\nFørst.\n\nSå ![Kart over Øyer](kart.png) her.\n";
    let host = FakeHost { highlighter: Highlighter::new(), link_hook: false, image_hook_fails: true };
    let input = DocInput { doc: 0, lang: 0, file: "content/a.md", text, body: 16..text.len() };
    let (_, diags) = render(&input, &host);
    let failed = diags.iter().find(|d| d.message == "the image hook failed").expect("the hook's error");
    let at = failed.location.as_ref().expect("located");
    assert_eq!((at.file.as_str(), at.line, at.col), ("content/a.md", 6, 4));
}

#[test]
fn the_markdown_filter_reports_every_mistake() {
    let host = FakeHost { highlighter: Highlighter::new(), link_hook: false, image_hook_fails: false };
    let errors = render_fragment("[a](@/borte.md) og [b](@/vekk.md)", 0, 0, &host).expect_err("two broken links");
    assert_eq!(errors.len(), 2, "{errors:?}");
}

#[test]
fn the_text_reads_as_sentences_block_by_block() {
    let (out, _) = check(
        "Flytter du hit med **barn**, er det lurt.\n\n## Barnehage\n\nDu søker plass\n\n\
         - Full plass\n- Halv plass!\n\n| Kommune | Plasser |\n|---|---|\n| Øyer | 40 |\n\n## Hva koster det?\n\nLite: se [prisene](https://x.example/).\n",
    );
    assert_eq!(
        out.text,
        "Flytter du hit med barn, er det lurt. Barnehage. Du søker plass. Full plass. Halv plass! \
         Kommune Plasser. Øyer 40. Hva koster det? Lite: se prisene."
    );
}

#[test]
fn the_text_holds_an_inline_call_and_a_body_where_they_stand() {
    let (out, diags) = check(
        "Folketallet var {{ echo(text=\"10 797 &amp; mer\") }} i fjor.\n\n{% box() %}\nInne i boksen\n{% end %}\n\n\
         {{ echo(text=\"en blokk\") }}\n\nTil slutt\n",
    );
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(out.text, "Folketallet var 10 797 & mer#1 i fjor. Inne i boksen. Til slutt.");
    assert_eq!(out.words, 12);
}
