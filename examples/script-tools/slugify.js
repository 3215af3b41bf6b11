// A script tool: the default export gets the validated arguments (a frozen JSON copy) and
// returns JSON. It runs in QuickJS with no host objects, no require, no process, no fetch.
export default ({ title }) => {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return { slug };
};
