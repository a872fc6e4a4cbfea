// Runs a built server bundle's render() and prints its answer as JSON.
const [, , bundle] = process.argv;
const { render } = await import(new URL(bundle, `file://${process.cwd()}/`).href);
process.stdout.write(JSON.stringify(await render()));
