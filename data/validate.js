function (newDoc, oldDoc, userCtx, secObj) {
	/*
	 * noron's validate_doc_update (noron endpoint setup installs it as
	 * _design/noron). The endpoint refuses what noron refuses: an unknown
	 * type, a missing required field, a value of the wrong kind, a choice not
	 * in its list, an id whose prefix is not its type, a record over 1 MB.
	 * Fields noron does not know pass, so a newer noron can add some. Rights
	 * come from the user's roles: inst:<code> works for institution <code>
	 * and changes only that institution's standing cells and votes;
	 * administrators (_admin, noron-admin) may change anything, but not
	 * write a malformed record. Written for ES5: CouchDB's SpiderMonkey and
	 * PouchDB both run it. The tables below are generated from noron's field
	 * tables when it is installed.
	 */
	/* @tables@ */
	function q(s) {
		return "'" + s + "'";
	}
	function refuse(msg) {
		throw({forbidden: msg});
	}
	function has(list, x) {
		for (var i = 0; list && i < list.length; i++)
			if (list[i] === x)
				return true;
		return false;
	}
	function isString(v) {
		return typeof v === 'string';
	}
	function isObject(v) {
		return v !== null && typeof v === 'object' && !Array.isArray(v);
	}
	function isInt(v, lo, hi) {
		return typeof v === 'number' && v >= lo && v <= hi && Math.floor(v) === v;
	}
	function own(o, k) {
		return Object.prototype.hasOwnProperty.call(o, k);
	}
	function article(word) {
		return 'aeiou'.indexOf(word.charAt(0)) >= 0 ? 'an ' + word : 'a ' + word;
	}
	function utf8Length(s) {
		var n = 0;
		for (var i = 0; i < s.length; i++) {
			var c = s.charCodeAt(i);
			n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xD800 && c <= 0xDBFF ? 4
				: c >= 0xDC00 && c <= 0xDFFF ? 0 : 3;
		}
		return n;
	}
	/* UTF-8 text without control characters (tab, and newline when multiline, allowed). */
	function clean(s, multiline) {
		for (var i = 0; i < s.length; i++) {
			var c = s.charCodeAt(i);
			if (c === 9 || (multiline && c === 10))
				continue;
			if (c < 32 || c === 127 || (c >= 128 && c < 160) || c === 0x2028 || c === 0x2029
			    || (c >= 0xDC00 && c <= 0xDFFF))
				return false;
			if (c >= 0xD800 && c <= 0xDBFF) {
				var d = s.charCodeAt(i + 1);
				if (!(d >= 0xDC00 && d <= 0xDFFF))
					return false;
				i++;
			}
		}
		return true;
	}
	/* A real calendar date written YYYY-MM-DD. */
	function dateValid(s) {
		if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(s))
			return false;
		var y = +s.substring(0, 4), m = +s.substring(5, 7), d = +s.substring(8, 10);
		var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
		var days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
		return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1];
	}
	/* A date, or a date-time in UTC as stored: YYYY-MM-DDTHH:MM:SSZ. */
	function whenValid(s) {
		if (dateValid(s))
			return true;
		return /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$/.test(s)
			&& dateValid(s.substring(0, 10)) && +s.substring(11, 13) <= 23
			&& +s.substring(14, 16) <= 59 && +s.substring(17, 19) <= 59;
	}
	function typeOfId(id) {
		var t = id.substring(0, id.indexOf(':'));
		return id.indexOf(':') > 0 && own(types, t) ? t : null;
	}
	/* "<type>:<key>": printable ASCII without spaces, quotes, slashes or backslashes. */
	function idValid(id) {
		var t = isString(id) ? typeOfId(id) : null;
		if (!t || id.length > 200 || id.length === t.length + 1)
			return false;
		for (var i = 0; i < id.length; i++) {
			var c = id.charCodeAt(i);
			if (c <= 32 || c > 126 || c === 47 || c === 34 || c === 92)
				return false;
		}
		return true;
	}
	function checkRef(name, f, id) {
		if (idValid(id) && typeOfId(id) === f.ref)
			return null;
		return 'field ' + q(name) + ': ' + q(id) + ' is not the id of ' + article(f.ref);
	}
	function checkList(name, f, v) {
		if (!Array.isArray(v))
			return 'field ' + q(name) + ' must be a list of ' + f.ref + ' ids';
		for (var i = 0; i < v.length; i++) {
			if (!isString(v[i]))
				return 'field ' + q(name) + ' must be a list of ' + f.ref + ' ids';
			var e = checkRef(name, f, v[i]);
			if (e)
				return e;
			for (var j = 0; j < i; j++)
				if (v[j] === v[i])
					return 'field ' + q(name) + ': ' + q(v[i]) + ' is listed twice';
		}
		return null;
	}
	function checkVotes(name, f, v) {
		if (!isObject(v))
			return 'field ' + q(name) + ' must map ' + f.ref + ' ids to -1, 0 or 1';
		for (var k in v) {
			if (!own(v, k))
				continue;
			var e = checkRef(name, f, k);
			if (e)
				return e;
			if (!isInt(v[k], -1, 1))
				return 'field ' + q(name) + ': the vote of ' + k + ' must be -1, 0 or 1';
		}
		return null;
	}
	function checkString(name, f, s) {
		var bad = 'field ' + q(name) + ': ' + q(s);
		switch (f.kind) {
		case 'text':
			return clean(s, false) ? null : 'field ' + q(name)
				+ ' must be one line of UTF-8 text without control characters';
		case 'longtext':
			return clean(s, true) ? null : 'field ' + q(name)
				+ ' must be UTF-8 text without control characters';
		case 'date':
			return dateValid(s) ? null : bad + ' is not a valid date (YYYY-MM-DD)';
		case 'when':
			return whenValid(s) ? null : bad + ' is not a valid date (YYYY-MM-DD) or UTC '
				+ 'date-time (YYYY-MM-DDTHH:MM:SSZ)';
		case 'url':
			return /^https?:\/\//.test(s) && s.indexOf(' ') < 0 && utf8Length(s) > 8
				&& clean(s, false) ? null : bad + ' is not an http:// or https:// address';
		case 'email':
			var at = s.indexOf('@');
			return at > 0 && s.indexOf('.', at) > 0 && s.indexOf(' ') < 0
				&& s.indexOf('@', at + 1) < 0 && s.charAt(s.length - 1) !== '.'
				&& clean(s, false) ? null : bad + ' is not an email address';
		case 'ref':
			return checkRef(name, f, s);
		case 'enum':
			return has(f.choices, s) ? null : bad + ' is not one of ' + f.choices.join(', ');
		}
		return null;
	}
	function checkValue(name, f, v) {
		switch (f.kind) {
		case 'bool':
			return typeof v === 'boolean' ? null : 'field ' + q(name)
				+ ' must be yes or no (true or false in JSON)';
		case 'int':
			return isInt(v, intMin, intMax) ? null : 'field ' + q(name)
				+ ' must be a whole number';
		case 'reflist':
			return checkList(name, f, v);
		case 'votes':
			return checkVotes(name, f, v);
		}
		if (!isString(v))
			return f.kind === 'text' ? 'field ' + q(name) + ' must be text'
				: 'field ' + q(name) + ' must be ' + kindNames[f.kind] + ', as text';
		return checkString(name, f, v);
	}
	function checkMeta(doc, t) {
		var id = doc._id;
		if (!idValid(id) || typeOfId(id) !== t)
			return id + ': the id must be "' + t + ':" and a key of printable characters '
				+ 'without spaces, quotes, slashes or backslashes';
		for (var i = 0; i < meta.length; i++) {
			var m = meta[i];
			if (!own(doc, m) || m === '_rev')
				continue;
			if (!isString(doc[m]))
				return id + ': ' + q(m) + ' must be text';
			if ((m === 'created_at' || m === 'updated_at') && !whenValid(doc[m]))
				return id + ': ' + q(m) + ' must be a UTC date-time';
		}
		return null;
	}
	/* Unknown fields pass: a newer noron may add fields older ones do not know. */
	function checkFields(doc, t) {
		var fields = types[t], name, e;
		for (name in doc) {
			if (!own(doc, name) || !own(fields, name) || doc[name] === null)
				continue;
			if ((e = checkValue(name, fields[name], doc[name])))
				return doc._id + ': ' + e;
		}
		for (name in fields)
			if (own(fields, name) && fields[name].required
			    && (!own(doc, name) || doc[name] === null))
				return doc._id + ': required field ' + q(name) + ' is missing';
		return null;
	}
	function checkOrder(doc) {
		var s = doc.start, e = doc.end;
		if (!isString(s) || !isString(e))
			return null;
		var n = s.length === 10 || e.length === 10 ? 10 : Math.max(s.length, e.length);
		if (e.substring(0, n) < s.substring(0, n))
			return doc._id + ': field ' + q('end') + ' (' + e + ') is before ' + q('start')
				+ ' (' + s + ')';
		return null;
	}
	function key(id) {
		return id.substring(id.indexOf(':') + 1);
	}
	function checkStanding(doc) {
		if (doc.type !== 'standing' || !isString(doc.area) || !isString(doc.institution))
			return null;
		var want = 'standing:' + key(doc.area) + ':' + key(doc.institution);
		return want === doc._id ? null : doc._id + ': a standing of this area and institution '
			+ 'must have the id ' + want;
	}
	function checkSize(doc) {
		var body = {};
		for (var k in doc)
			if (own(doc, k) && (k.charAt(0) !== '_' || k === '_id'))
				body[k] = doc[k];
		return utf8Length(JSON.stringify(body)) <= maxBytes ? null
			: doc._id + ': the record is larger than 1 MB';
	}
	function checkRecord(doc) {
		var t = doc.type;
		if (!isString(t) || !own(types, t))
			return (isString(doc._id) ? doc._id : 'record') + ': unknown record type '
				+ q(isString(t) ? t : '(none)');
		return checkMeta(doc, t) || checkFields(doc, t) || checkOrder(doc)
			|| checkStanding(doc) || checkSize(doc);
	}
	/* The institutions a user works for: "institution:<code>" of each inst:<code> role. */
	function institutionsOf(roles) {
		var out = [];
		for (var i = 0; i < roles.length; i++)
			if (isString(roles[i]) && roles[i].indexOf(instPrefix) === 0)
				out.push('institution:' + roles[i].substring(instPrefix.length));
		return out;
	}
	function whose(inst) {
		return 'role ' + instPrefix + key(String(inst));
	}
	/* A standing cell is its institution's: before and after the change. */
	function checkStandingRights(doc, mine) {
		if (!doc || doc._deleted === true || doc.type !== 'standing' || has(mine, doc.institution))
			return null;
		return doc._id + ': only the staff of ' + key(String(doc.institution)) + ' ('
			+ whose(doc.institution) + ') may change its standing';
	}
	/* Each institution changes its own vote only; the others stay as they were. */
	function checkVoteRights(doc, old, mine) {
		if (doc._deleted === true || doc.type !== 'proposal')
			return null;
		var now = isObject(doc.votes) ? doc.votes : {};
		var was = old && old._deleted !== true && isObject(old.votes) ? old.votes : {};
		var k, all = {};
		for (k in now)
			if (own(now, k))
				all[k] = true;
		for (k in was)
			if (own(was, k))
				all[k] = true;
		for (k in all)
			if (own(all, k) && now[k] !== was[k] && !has(mine, k))
				return doc._id + ': field ' + q('votes') + ': only ' + key(k) + ' ('
					+ whose(k) + ') may change the vote of ' + k;
		return null;
	}
	var roles = userCtx && Array.isArray(userCtx.roles) ? userCtx.roles : [];
	var admin = false;
	for (var r = 0; r < adminRoles.length; r++)
		admin = admin || has(roles, adminRoles[r]);
	if (isString(newDoc._id) && newDoc._id.indexOf('_design/') === 0) {
		if (!admin)
			refuse('only the administrators of the endpoint may change design documents');
		return;
	}
	/* A malformed record is malformed whoever writes it: admins included. */
	var why = newDoc._deleted === true ? null : checkRecord(newDoc);
	if (!why && !admin) {
		var mine = institutionsOf(roles);
		why = checkStandingRights(newDoc, mine) || checkStandingRights(oldDoc, mine)
			|| checkVoteRights(newDoc, oldDoc, mine);
	}
	if (why)
		refuse(why);
}
