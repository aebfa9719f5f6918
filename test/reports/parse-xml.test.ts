import { describe, expect, it } from "vitest";
import { parseXml } from "./parse-xml.js";

// The checker the JUnit tests rely on must itself reject what isn't XML.
describe("parseXml (test helper)", () => {
  it.each([
    ["unbalanced", "<a><b></a>"],
    ["unclosed", "<a>"],
    ["raw <", "<a>1 < 2</a>"],
    ["stray &", "<a>A & B</a>"],
    ["unknown entity", "<a>&nbsp;</a>"],
    ["unquoted attribute", "<a x=1/>"],
    ["< in attribute", '<a x="<"/>'],
    ["duplicate attribute", '<a x="1" x="2"/>'],
    ["two roots", "<a/><b/>"],
    ["text outside root", "<a/>tail"],
    ["control character", "<a>\u0001</a>"],
    ["bad comment", "<a><!-- a -- b --></a>"],
  ])("rejects %s", (_name, xml) => {
    expect(() => parseXml(xml)).toThrow();
  });

  it("reads elements, attributes and entities", () => {
    const root = parseXml('<?xml version="1.0"?>\n<a x="1&amp;2&#10;"><b y=\'&lt;\'>t&#x41;&gt;</b><!-- c --><c/></a>');
    expect(root.attributes.x).toBe("1&2\n");
    expect(root.children.map((c) => c.name)).toEqual(["b", "c"]);
    expect(root.children[0]?.attributes.y).toBe("<");
    expect(root.children[0]?.text).toBe("tA>");
  });
});
