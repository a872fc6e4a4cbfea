import { describe, expect, it } from "vitest";
import { colorEnabled } from "../../../src/cli/ui/color.js";
import { renderTable, visibleWidth } from "../../../src/cli/ui/table.js";

describe("colours", () => {
  it("follow FORCE_COLOR, then NO_COLOR, then the terminal", () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("do not disturb table alignment", () => {
    expect(visibleWidth("\u001b[31mfail\u001b[39m")).toBe(4);
    expect(
      renderTable([
        ["\u001b[31mab\u001b[39m", "x"],
        ["abcd", "y"],
      ]).split("\n"),
    ).toEqual(["\u001b[31mab\u001b[39m    x", "abcd  y"]);
  });
});
