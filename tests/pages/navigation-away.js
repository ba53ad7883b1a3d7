// A page of another origin (localhost instead of 127.0.0.1): navigation.test.js sent the only page of the site here.
// It goes back to the site by its URL, as a person typing it would, after the given delay.
const params = new URLSearchParams(location.search);
const back = params.get('back');
const after = Number(params.get('after') || 0);
if (back && back.startsWith('http://127.0.0.1:')) setTimeout(() => location.assign(back), after);
