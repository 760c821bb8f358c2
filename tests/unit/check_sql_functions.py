#!/usr/bin/env python3
"""Checks the rules of sql/ (sql/functions/README.md): every function, view and trigger is
defined once, in the repeatable layer, and the numbered migrations hold tables and data only.

    check_sql_functions.py SQL_DIR

Fails (exit 1, one line per problem) when
  * a function (name and argument types), a view or a trigger is defined more than once
    anywhere under sql/;
  * a numbered migration (sql/NNN_*.sql) creates or alters a function, a view or a trigger,
    or names a function or a view of the layer outside a DROP: it runs before the layer, on
    an older database with older functions, or on a fresh one with none;
  * a file of the layer holds anything else than its kind: CREATE OR REPLACE FUNCTION in
    sql/functions/<area>/, CREATE OR REPLACE VIEW in views.sql, CREATE OR REPLACE TRIGGER in
    triggers.sql (each is applied again whenever the layer changes);
  * a trigger runs a function the layer does not define.
Statements are split the way PostgreSQL reads them (comments, quotes, dollar quotes).
"""
import os
import re
import sys

TYPE_ALIASES = {
    'int': 'integer', 'int4': 'integer', 'int8': 'bigint', 'int2': 'smallint',
    'bool': 'boolean', 'timestamptz': 'timestamp with time zone',
    'timestamp': 'timestamp without time zone', 'varchar': 'character varying',
    'float8': 'double precision', 'float4': 'real', 'decimal': 'numeric',
}


def statements(text):
    """Yields (line, text) of each statement; comments are blanked out of the text."""
    i, n, start = 0, len(text), None
    code = []  # the statement with comments replaced by spaces
    while i < n:
        c = text[i]
        if text.startswith('--', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            code.append(' ' * (j - i))
            i = j
            continue
        if text.startswith('/*', i):
            depth, j = 0, i
            while j < n:
                if text.startswith('/*', j):
                    depth, j = depth + 1, j + 2
                elif text.startswith('*/', j):
                    depth, j = depth - 1, j + 2
                    if depth == 0:
                        break
                else:
                    j += 1
            code.append(' ' * (j - i))
            i = j
            continue
        if start is None and not c.isspace():
            start = i
        if c == ';':
            yield text.count('\n', 0, start) + 1, ''.join(code).strip()
            code, start = [], None
            i += 1
            continue
        j = i + 1
        if c == "'":
            escapes = i > 0 and text[i - 1] in 'eE'
            while j < n:
                if escapes and text[j] == '\\':
                    j += 2
                    continue
                if text[j] == "'":
                    if j + 1 < n and text[j + 1] == "'":
                        j += 2
                        continue
                    j += 1
                    break
                j += 1
        elif c == '"':
            j = text.index('"', i + 1) + 1
        elif c == '$' and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == '_')):
            m = re.match(r'\$([A-Za-z_][A-Za-z_0-9]*)?\$', text[i:])
            if m:
                end = text.find(m.group(0), i + len(m.group(0)))
                if end < 0:
                    raise ValueError(f'line {text.count(chr(10), 0, i) + 1}: unterminated {m.group(0)}')
                j = end + len(m.group(0))
        code.append(text[i:j])
        i = j
    if start is not None and ''.join(code).strip():
        raise ValueError(f'line {text.count(chr(10), 0, start) + 1}: statement without a ;')


def split_top(s):
    """Splits s at commas outside parentheses and quotes."""
    parts, depth, cur, quote = [], 0, '', False
    for c in s:
        if c == "'":
            quote = not quote
        elif not quote and c in '([':
            depth += 1
        elif not quote and c in ')]':
            depth -= 1
        if c == ',' and depth == 0 and not quote:
            parts.append(cur)
            cur = ''
        else:
            cur += c
    if cur.strip():
        parts.append(cur)
    return parts


def arg_types(args):
    """The identity of a parameter list: the types of its IN, INOUT and VARIADIC parameters."""
    types = []
    for a in split_top(args):
        a = re.sub(r'\s+(DEFAULT\b.*|=.*)$', '', a.strip(), flags=re.I | re.S)
        words = a.split()
        mode = 'in'
        if words and words[0].lower() in ('in', 'out', 'inout', 'variadic'):
            mode = words.pop(0).lower()
        if mode == 'out':
            continue
        # A parameter is "name type" or just "type"; a name is one word followed by more.
        typ = ' '.join(words[1:]) if len(words) > 1 and not re.match(
            r'(double|character|timestamp|time|bit)$', words[0], re.I) else ' '.join(words)
        typ = ' '.join(typ.lower().split())
        suffix = ''
        while typ.endswith('[]'):
            typ, suffix = typ[:-2].strip(), suffix + '[]'
        types.append(TYPE_ALIASES.get(typ, typ) + suffix)
    return ', '.join(types)


def function_head(stmt):
    """(name, identity) of a CREATE FUNCTION/PROCEDURE statement."""
    m = re.match(r'CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\s+([\w.]+)\s*\(', stmt, re.I)
    depth, j = 1, m.end()
    while depth:
        depth += {'(': 1, ')': -1}.get(stmt[j], 0)
        j += 1
    return m.group(1).lower().split('.')[-1], arg_types(stmt[m.end():j - 1])


def main(sql_dir):
    problems = []
    defined = {}      # what -> [where]
    layer_names = {'function': set(), 'view': set()}
    trigger_calls = []
    migrations = []
    fdir = os.path.join(sql_dir, 'functions')
    files = sorted(os.path.join(sql_dir, f) for f in os.listdir(sql_dir)
                   if re.match(r'\d{3}_.*\.sql$', f))
    for root, _, names in sorted(os.walk(fdir)):
        files += sorted(os.path.join(root, f) for f in names if f.endswith('.sql'))
    for path in files:
        rel = os.path.relpath(path, sql_dir)
        in_layer = rel.startswith('functions' + os.sep)
        if in_layer:
            inner = os.path.relpath(path, fdir)
            kind = {'views.sql': 'view', 'triggers.sql': 'trigger'}.get(
                inner, 'function' if inner.count(os.sep) == 1 else None)
            if kind is None:
                problems.append(f'sql/{rel}: not part of the layer (sql/functions/<area>/*.sql, '
                                'views.sql, triggers.sql): it would never be applied')
                continue
        try:
            stmts = list(statements(open(path, encoding='utf-8').read()))
        except ValueError as e:
            problems.append(f'sql/{rel}: {e}')
            continue
        for line, stmt in stmts:
            where = f'sql/{rel}:{line}'
            flat = ' '.join(stmt.split())
            head = flat.upper()
            m = re.match(r'CREATE (OR REPLACE )?(CONSTRAINT )?(FUNCTION|PROCEDURE|VIEW|'
                         r'MATERIALIZED VIEW|TRIGGER)\b', head)
            if m:
                what = m.group(3).split()[-1].lower()
                if what == 'procedure':
                    what = 'function'
                if what == 'function':
                    name, args = function_head(stmt)
                    key = f'function {name}({args})'
                else:
                    words = stmt.split()
                    name = words[len(m.group(0).split())].lower()
                    key = f'{what} {name}'
                    if what == 'trigger':
                        on = re.search(r'\bON\s+([\w.]+)', stmt, re.I).group(1).lower()
                        key = f'trigger {name} on {on}'
                        call = re.search(r'EXECUTE\s+(?:FUNCTION|PROCEDURE)\s+([\w.]+)', stmt, re.I)
                        trigger_calls.append((where, call.group(1).lower()))
                defined.setdefault(key, []).append(where)
                if not in_layer:
                    problems.append(f'{where}: a numbered migration defines {key}: it belongs '
                                    f'in sql/functions/ (README.md there)')
                elif what != kind:
                    problems.append(f'{where}: {key} in a file of {kind}s')
                elif not m.group(1):
                    problems.append(f'{where}: {key} without OR REPLACE: the layer is applied '
                                    'again whenever it changes')
                else:
                    layer_names[what if what in layer_names else 'function'].add(name)
                continue
            if in_layer:
                problems.append(f'{where}: only CREATE OR REPLACE {kind.upper()} belongs in '
                                f'this file, not: {flat[:60]}')
            elif re.match(r'ALTER (FUNCTION|PROCEDURE|ROUTINE|VIEW|TRIGGER)\b', head):
                problems.append(f'{where}: a numbered migration alters what sql/functions/ '
                                f'defines ({flat[:50]}): change the definition there')
            elif not head.startswith('DROP '):
                migrations.append((where, stmt))
    for where, stmt in migrations:
        for name in sorted(layer_names['function']):
            if re.search(r'(?<![\w.])' + name + r'\s*\(', stmt, re.I):
                problems.append(f'{where}: a numbered migration calls {name}() of sql/functions/: '
                                'write its SQL out (the layer is made after the migrations)')
        for name in sorted(layer_names['view']):
            if re.search(r'(?<![\w.])' + name + r'\b', stmt, re.I):
                problems.append(f'{where}: a numbered migration reads the view {name} of '
                                'sql/functions/: write its query out')
    for key, wheres in sorted(defined.items()):
        if len(wheres) > 1:
            problems.append(f'{key} is defined {len(wheres)} times: {", ".join(wheres)}')
    for where, fn in trigger_calls:
        if fn not in layer_names['function']:
            problems.append(f'{where}: the trigger runs {fn}(), which sql/functions/ does not define')
    for p in problems:
        print(p)
    count = sum(1 for k in defined if k.startswith('function '))
    print(f'sql/: {count} functions, {sum(1 for k in defined if k.startswith("view "))} views, '
          f'{sum(1 for k in defined if k.startswith("trigger "))} triggers; '
          f'{len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: check_sql_functions.py SQL_DIR')
    sys.exit(main(sys.argv[1]))
