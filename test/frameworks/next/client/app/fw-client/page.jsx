import Leaky from "./leaky.jsx";

export default function Page() {
  return <Leaky />;
}
