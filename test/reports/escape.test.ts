import { describe, expect, it } from "vitest";
import { defuseWorkflowCommands, escapeGithubData, escapeGithubProperty, escapeHtml, escapeMarkdown, escapeXml, escapeXmlText, jsonForScript, markdownCode, markdownFence } from "../../reports/escape";
import { html, trustedMarkup } from "../../reports/html/markup";

describe("escaping", () => {
  it("HTML: markup characters and both quotes; line breaks as references, so no line of a page is a report's", () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe("&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;");
    expect(escapeHtml("a\r\n::error::x")).toBe("a&#13;&#10;::error::x");
  });

  it("a line that would be a GitHub workflow command, after any blank, gets a backslash; elsewhere `::` stays", () => {
    expect(defuseWorkflowCommands("::error::a\nok :: fine\n  \t::add-mask::b\r::warning::c\r\n\u0085::d")).toBe(
      "\\::error::a\nok :: fine\n  \t\\::add-mask::b\r\\::warning::c\r\n\u0085\\::d",
    );
  });

  it("Markdown code spans: delimited by more backticks than any run inside, on one line", () => {
    expect(markdownCode('"0x10014027"')).toBe('`"0x10014027"`');
    expect(markdownCode("a `` b\n::c")).toBe("```a `` b ::c```");
    expect(markdownCode("`x`")).toBe("`` `x` ``");
  });

  it("the html tag escapes every interpolation except markup it built itself", () => {
    const inner = html`<b>${"<i>"}</b>`;
    expect(html`<p title="${'"x"'}">${inner}${["<a>", 1, null, false]}</p>`.text).toBe('<p title="&quot;x&quot;"><b>&lt;i&gt;</b>&lt;a&gt;1</p>');
    expect(html`${trustedMarkup("<br>")}`.text).toBe("<br>");
  });

  it("JSON inside a script block cannot close it or open a comment", () => {
    const text = jsonForScript({ a: "</script><!-- \u2028 & >" });
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual({ a: "</script><!-- \u2028 & >" });
  });

  it("XML: characters XML 1.0 cannot carry are spelled out; attribute newlines survive as references", () => {
    expect(escapeXml("a\u0000b\u001bc\ud800d\n'")).toBe("a\\u0000b\\u001bc\\ud800d&#10;&apos;");
    expect(escapeXmlText("x < y\n\ud83d\ude00")).toBe("x &lt; y\n\ud83d\ude00");
  });

  it("Markdown: inline markup, HTML and mentions are neutralised; fences outlast backtick runs", () => {
    expect(escapeMarkdown("*a* _b_ `c` [d](e) |f| ~g~ <h> @i\nj")).toBe("\\*a\\* \\_b\\_ \\`c\\` \\[d\\](e) \\|f\\| \\~g\\~ &lt;h&gt; &#64;i j");
    expect(markdownFence("a ````` b")).toBe("``````\na ````` b\n``````");
    expect(markdownFence("plain", "text")).toBe("```text\nplain\n```");
  });

  it("GitHub workflow commands: data and properties cannot end early", () => {
    expect(escapeGithubData("50%\r\n::x")).toBe("50%25%0D%0A::x");
    expect(escapeGithubProperty("a,b:c%")).toBe("a%2Cb%3Ac%25");
  });
});
