// A strict little XML reader for tests: enough of XML 1.0 to reject what is
// not well-formed (unbalanced or misnamed tags, unquoted or duplicate
// attributes, raw `<` or stray `&`, forbidden characters, text outside the
// root) and to hand back a tree the assertions can walk. No DTDs, no
// namespaces, no processing instructions other than the declaration.

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
// eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

export function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error("character not allowed in XML 1.0");
  let position = 0;
  const fail = (message: string): never => {
    throw new Error(`${message} at offset ${position}: ${JSON.stringify(xml.slice(position, position + 40))}`);
  };

  const declaration = /^<\?xml\s[^?]*\?>/.exec(xml);
  if (declaration) position = declaration[0].length;

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;

  while (position < xml.length) {
    if (xml.startsWith("<!--", position)) {
      const end = xml.indexOf("-->", position + 4);
      if (end < 0) fail("unterminated comment");
      if (xml.slice(position + 4, end).includes("--")) fail("'--' inside a comment");
      position = end + 3;
    } else if (xml.startsWith("<![CDATA[", position)) {
      const end = xml.indexOf("]]>", position);
      if (end < 0 || stack.length === 0) fail("CDATA outside an element or unterminated");
      const top = stack[stack.length - 1];
      if (top) top.text += xml.slice(position + 9, end);
      position = end + 3;
    } else if (xml.startsWith("</", position)) {
      position += 2;
      const name = NAME.exec(xml.slice(position))?.[0] ?? fail("bad closing tag name");
      position += name.length;
      skipSpace();
      if (xml[position] !== ">") fail("expected '>'");
      position += 1;
      const open = stack.pop();
      if (open?.name !== name) fail(`</${name}> closes <${open?.name ?? "nothing"}>`);
    } else if (xml[position] === "<") {
      position += 1;
      const name = NAME.exec(xml.slice(position))?.[0] ?? fail("bad tag name");
      position += name.length;
      const element: XmlElement = { name, attributes: {}, children: [], text: "" };
      for (;;) {
        const hadSpace = skipSpace();
        if (xml.startsWith("/>", position) || xml[position] === ">") break;
        if (!hadSpace) fail("attributes must be separated by whitespace");
        const attribute = NAME.exec(xml.slice(position))?.[0] ?? fail("bad attribute name");
        position += attribute.length;
        skipSpace();
        if (xml[position] !== "=") fail("expected '='");
        position += 1;
        skipSpace();
        const quote = xml[position];
        if (quote !== '"' && quote !== "'") fail("attribute value must be quoted");
        const end = xml.indexOf(quote as string, position + 1);
        if (end < 0) fail("unterminated attribute value");
        const raw = xml.slice(position + 1, end);
        if (raw.includes("<")) fail("'<' inside an attribute value");
        if (attribute in element.attributes) fail(`duplicate attribute ${attribute}`);
        element.attributes[attribute] = decode(raw.replace(/[\t\n\r]/g, " "));
        position = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail("second root element");
      else root = element;
      if (xml[position] === ">") {
        stack.push(element);
        position += 1;
      } else {
        position += 2;
      }
    } else {
      const next = xml.indexOf("<", position);
      const end = next < 0 ? xml.length : next;
      const raw = xml.slice(position, end);
      if (raw.includes("]]>")) fail("']]>' in text");
      const top = stack[stack.length - 1];
      if (top) top.text += decode(raw);
      else if (raw.trim() !== "") fail("text outside the root element");
      position = end;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]?.name ?? ""}>`);
  return root ?? fail("no root element");

  function skipSpace(): boolean {
    const start = position;
    while (position < xml.length && /\s/.test(xml[position] ?? "")) position += 1;
    return position > start;
  }

  function decode(raw: string): string {
    return raw.replace(/&([^;&\s]*);?/g, (match, body: string) => {
      if (!match.endsWith(";")) return fail(`stray '&' (${match})`);
      if (body in ENTITIES) return ENTITIES[body] ?? "";
      const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(body);
      if (!numeric) return fail(`unknown entity &${body};`);
      const code = numeric[1] === undefined ? Number(numeric[2]) : parseInt(numeric[1], 16);
      return String.fromCodePoint(code);
    });
  }
}

/** Every element named `name` below `element`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  for (const child of element.children) {
    if (child.name === name) found.push(child);
    found.push(...findAll(child, name));
  }
  return found;
}
