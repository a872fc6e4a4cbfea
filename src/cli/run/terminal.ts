/**
 * Whether this process is in the foreground process group of its
 * controlling terminal. There, Ctrl-C and Ctrl-\ already reach every process
 * of the group, a child included, so `secrets run` must not forward them a
 * second time.
 */

import { readFileSync } from "node:fs";

/**
 * True when the terminal's foreground process group is ours. Read from
 * `/proc/self/stat` (fields `pgrp` and `tpgid`); where that file does not
 * exist, a terminal on stdin is taken as the answer.
 */
export function inTerminalForeground(): boolean {
  let stat: string;
  try {
    stat = readFileSync("/proc/self/stat", "utf8");
  } catch {
    return process.stdin.isTTY === true;
  }
  // "pid (comm) state ppid pgrp session tty_nr tpgid ...": comm may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const pgrp = Number(fields[2]);
  const tpgid = Number(fields[5]);
  return tpgid > 0 && tpgid === pgrp;
}
