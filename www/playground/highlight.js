// A small tokenizer for syntax colouring: the scenario language and the
// generated JavaScript and Rust only need comments, strings, numbers, words
// and punctuation told apart, so one scanner with per-language word lists
// is enough (no editor dependency).

const WORDS = {
  scenario: {
    keyword: ['let', 'await', 'async', 'repeat', 'null'],
    builtin: ['sleep', 'fetch', 'join', 'race', 'spawn', 'yield_now', 'fail', 'log'],
  },
  javascript: {
    keyword: ['const', 'let', 'await', 'async', 'function', 'return', 'new', 'for', 'if', 'else', 'null', 'undefined', 'true', 'false', 'throw', 'try', 'catch', 'of', 'in'],
    builtin: ['Promise', 'setTimeout', 'fetch', 'console', 'Error', 'Array', 'String'],
  },
  rust: {
    keyword: ['let', 'await', 'async', 'fn', 'move', 'use', 'for', 'in', 'if', 'else', 'loop', 'match', 'return', 'mut', 'pub', 'impl', 'struct', 'Ok', 'Err', 'Some', 'None', 'true', 'false', '_'],
    builtin: ['Duration', 'Result', 'Error', 'Value', 'vec', 'println', 'boxed', 'sleep', 'sleep_with', 'fetch', 'join_all', 'race', 'spawn', 'yield_now', 'fail'],
  },
};

const SETS = Object.fromEntries(Object.entries(WORDS).map(([lang, w]) => [lang, { keyword: new Set(w.keyword), builtin: new Set(w.builtin) }]));

/**
 * Splits `text` into tokens `{ type, text, line, col }` (line and col from 1,
 * col counted in UTF-16 units like the scenario's errors for ASCII text).
 * Newlines are tokens of type 'nl' so lines can be rebuilt.
 */
export function tokenize(text, lang = 'scenario') {
  const sets = SETS[lang] ?? SETS.scenario;
  const tokens = [];
  let i = 0;
  let line = 1;
  let col = 1;
  const push = (type, s) => {
    tokens.push({ type, text: s, line, col });
    col += s.length;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      tokens.push({ type: 'nl', text: '\n', line, col });
      line += 1;
      col = 1;
      i += 1;
      continue;
    }
    let m;
    const rest = text.slice(i, i + 4000);
    if (c === '/' && text[i + 1] === '/') {
      m = /^\/\/[^\n]*/.exec(rest);
      push('comment', m[0]);
    } else if (c === '"' || (lang === 'javascript' && (c === '`' || c === "'"))) {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') {
        j += text[j] === '\\' && j + 1 < text.length && text[j + 1] !== '\n' ? 2 : 1;
      }
      push('string', text.slice(i, text[j] === c ? j + 1 : j));
    } else if ((m = /^[0-9][0-9_]*/.exec(rest))) {
      push('number', m[0]);
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_]*!?/.exec(rest))) {
      const word = m[0].replace(/!$/, '');
      push(sets.keyword.has(word) ? 'keyword' : sets.builtin.has(word) ? 'builtin' : 'name', m[0]);
    } else if ((m = /^[ \t\r]+/.exec(rest))) {
      push('space', m[0]);
    } else {
      push('punct', c);
    }
    i += tokens[tokens.length - 1].text.length || 1;
  }
  return tokens;
}
